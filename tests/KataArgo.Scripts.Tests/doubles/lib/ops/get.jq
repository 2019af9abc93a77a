# kubectl get nodes|controllerrevisions|configmaps|events [NAME] [-n NS] [-l SEL] [--field-selector F] -o json

def op_get($req):
  [.[$req.named.p1][]? | select($req.named.ns == "" or .metadata.namespace == $req.named.ns) | matches($req)] as $found
  | if $req.named.p2 != "" then
      (first($found[] | select(.metadata.name == $req.named.p2)) // null) as $o
      | if $o == null then not_found($req.named.p1; $req.named.p2) else ok($o | del(.x) | tojson + "\n") end
    else ok(list($found | map(del(.x)))) end;
