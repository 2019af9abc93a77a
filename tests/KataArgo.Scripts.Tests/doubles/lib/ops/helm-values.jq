# helm get values RELEASE -n NS [--revision N] [-a|--all] -o json: the user-supplied values
# (null when there are none), or with --all the computed ones.

def op_helm_values($req):
  release_index($req; $req.named.p2) as $r
  | (if $r == null then null
     elif $req.named.revision == "" then .releases[$r].history | max_by(.revision)
     else first(.releases[$r].history[] | select(.revision == ($req.named.revision | tonumber))) // null end) as $e
  | if $e == null then fail(1; "Error: release: not found\n")
    elif $req.named.all == "true" then ok(computed($e) | tojson + "\n")
    else ok($e.config // {} | if . == {} then null else . end | tojson + "\n") end;
