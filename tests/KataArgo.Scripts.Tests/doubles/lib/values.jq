# kata-deploy's values as the chart renders them: chart defaults, then the release's
# user-supplied config, where null removes a key (as Helm does).

def merge_patch($p):
  if ($p | type) == "object" then
    reduce ($p | keys_unsorted[]) as $k ((if type == "object" then . else {} end);
      if $p[$k] == null then del(.[$k]) else .[$k] |= merge_patch($p[$k]) end)
  else $p end;

def chart_defaults($version):
  {image: {reference: "quay.io/kata-containers/kata-deploy", tag: ""},
   updateStrategy: {type: "RollingUpdate", rollingUpdate: {maxUnavailable: 1}},
   verification: {pod: "", namespace: "default", timeout: 180},
   env: {multiInstallSuffix: ""}}
  + (if ($version | split(".") | map(tonumber? // 0)) >= [3, 32] then {deploymentMode: "daemonset"} else {} end);

def computed($entry): chart_defaults($entry.chart | ltrimstr("kata-deploy-")) | merge_patch($entry.config // {});

def release_index($req; $name):
  first(.releases | to_entries[] | select(.value.name == $name and .value.namespace == $req.named.ns) | .key) // null;
