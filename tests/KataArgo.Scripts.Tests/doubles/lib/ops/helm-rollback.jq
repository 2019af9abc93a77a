# helm rollback RELEASE REVISION -n NS: a new revision with REVISION's chart and values.

def op_helm_rollback($req):
  release_index($req; $req.named.p1) as $r
  | (if $r == null then null else first(.releases[$r].history[] | select(.revision == ($req.named.p2 | tonumber? // -1))) // null end) as $e
  | if $r == null then fail(1; "Error: release: not found\n")
    elif $e == null then fail(1; "Error: release has no \($req.named.p2) version\n")
    else record_revision($req; $r; {revision: ((.releases[$r].history | max_by(.revision)).revision + 1), chart: $e.chart,
           app_version: $e.app_version, chartRef: $e.chartRef, description: "Rollback to \($e.revision)", config: $e.config}; "rollback")
    end;
