# kubectl logs POD -n NS [--all-containers=true] [--tail=N]: the pod's .x.logs.

def op_logs($req):
  (first(.pods[] | select(.metadata.namespace == $req.named.ns and .metadata.name == $req.named.p1)) // null) as $pod
  | (if $req.named.tail == "" then -1 else $req.named.tail | tonumber end) as $n
  | if $pod == null then not_found("pods"; $req.named.p1)
    else ($pod.x.logs // "" | split("\n") | map(select(length > 0))) as $lines
      | ok(($lines | if $n >= 0 then .[(length - $n) | if . < 0 then 0 else . end:] else . end | map(. + "\n") | add) // "")
    end;
