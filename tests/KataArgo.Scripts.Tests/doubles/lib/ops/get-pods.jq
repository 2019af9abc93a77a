# kubectl get pods [NAME] -n NS [-l SEL] [--field-selector F] -o json: shows the pods as they
# are, then advances each shown pod's readiness or phase by one read.

def op_get_pods($req):
  [.pods[] | select(.metadata.namespace == $req.named.ns) | matches($req) | select($req.named.p2 == "" or .metadata.name == $req.named.p2)] as $found
  | ($found | map(.metadata.name)) as $shown
  | .pods |= map(if .metadata.namespace == $req.named.ns and (.metadata.name as $n | $shown | index([$n])) != null then pod_after_read else . end)
  | if $req.named.p2 != "" and ($found | length) == 0 then not_found("pods"; $req.named.p2)
    elif $req.named.p2 != "" then ok($found[0] | render_pod | tojson + "\n")
    else ok(list($found | map(render_pod))) end;
