# kubectl get daemonsets [NAME] -n NS -o json: a DaemonSet whose new spec the controller has not
# observed yet (.x.lag reads to go) shows an old status.observedGeneration.

def op_get_daemonsets($req):
  [.daemonsets[] | select(.metadata.namespace == $req.named.ns) | matches($req) | select($req.named.p2 == "" or .metadata.name == $req.named.p2)] as $found
  | (if $req.named.p2 != "" and ($found | length) == 0 then not_found("daemonsets"; $req.named.p2)
     elif $req.named.p2 != "" then ok($found[0] | del(.x) | tojson + "\n")
     else ok(list($found | map(del(.x)))) end)
  | .state |= reduce ($found[] | .metadata.name) as $n (.;
      ds_index($req.named.ns; $n) as $i
      | if (.daemonsets[$i].x.lag // 0) > 1 then .daemonsets[$i].x.lag -= 1
        elif (.daemonsets[$i].x.lag // 0) == 1 then ds_sync($i)
        else . end);
