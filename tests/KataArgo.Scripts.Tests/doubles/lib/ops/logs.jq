# kubectl logs POD -n NS [--all-containers=true] [--tail=N]: a kata-deploy pod's kata_logs, another pod's .x.logs.

def op_logs($req):
  (first(.pods[] | select(.metadata.namespace == $req.named.ns and .metadata.name == $req.named.p1)) // null) as $pod
  | (if $req.named.tail == "" then -1 else $req.named.tail | tonumber end) as $n
  | if $pod == null then not_found("pods"; $req.named.p1)
    else ($pod | if .x.readyIn != null then kata_logs else .x.logs // "" end | split("\n") | map(select(length > 0))) as $lines
      | ok(($lines | if $n >= 0 then .[(length - $n) | if . < 0 then 0 else . end:] else . end | map(. + "\n") | add) // "")
    end;
