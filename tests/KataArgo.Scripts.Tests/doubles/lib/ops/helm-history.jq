# helm history RELEASE -n NS [--max N] -o json: the last N revisions (all without --max), oldest
# first ("revision" is a number).

def op_helm_history($req):
  release_index($req; $req.named.p1) as $r
  | if $r == null then fail(1; "Error: release: not found\n")
    else ok(.releases[$r].history | sort_by(.revision)
            | (if $req.named.max != "" then .[-($req.named.max | tonumber):] else . end)
            | map({revision, updated, status, chart, app_version, description: (.description // "")}) | tojson + "\n") end;
