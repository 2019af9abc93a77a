# kubectl cordon|uncordon NODE

def op_cordon($req):
  ($req.named.verb == "cordon") as $on
  | (first(.nodes | to_entries[] | select(.value.metadata.name == $req.named.p1) | .key) // null) as $i
  | if $i == null then not_found("nodes"; $req.named.p1)
    elif (.nodes[$i].spec.unschedulable // false) == $on then ok("node/\($req.named.p1) already \($req.named.verb)ed\n")
    elif $on then .nodes[$i].spec.unschedulable = true | ok("node/\($req.named.p1) cordoned\n")
    else .nodes[$i].spec |= del(.unschedulable) | ok("node/\($req.named.p1) uncordoned\n") end;
