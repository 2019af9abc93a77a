# helm list -n NS [--filter REGEX] [-a|--all] -o json: the latest revision of each release;
# without --all only deployed and failed ones. "revision" is a string, as Helm prints it.

def op_helm_list($req):
  ok([.releases[] | select(.namespace == $req.named.ns and (.name | test($req.named.filter)))
      | (.history | max_by(.revision)) as $l
      | select($req.named.all == "true" or $l.status == "deployed" or $l.status == "failed")
      | {name, namespace, revision: ($l.revision | tostring), updated: $l.updated, status: $l.status,
         chart: $l.chart, app_version: $l.app_version}] | tojson + "\n");
