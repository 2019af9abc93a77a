# The DaemonSet controller: ControllerRevisions, pod replacement, RollingUpdate.
def hash_of($version):
  "v" + ($version | explode | map(if (. >= 48 and . <= 57) or (. >= 65 and . <= 90) or (. >= 97 and . <= 122) then . else 45 end) | implode);
def ds_index($ns; $name):
  first(.daemonsets | to_entries[] | select(.value.metadata.namespace == $ns and .value.metadata.name == $name) | .key) // null;

# The kata-deploy container of a version's chart: from 3.31.0 on with startup and readiness
# probes on /readyz (3.31.0 templates/kata-deploy.yaml:321-347; RealHelm tests check it).
def kata_container($v):
  {name: "kube-kata", image: "quay.io/kata-containers/kata-deploy:\($v)"}
  + (if ($v | split("-")[0] | split(".") | map(tonumber? // 0)) >= [3, 31, 0] then
       {startupProbe: {httpGet: {path: "/readyz", port: 8090}}, readinessProbe: {httpGet: {path: "/readyz", port: 8090}}}
     else {} end);

# A new pod of DaemonSet $i on $node at the DaemonSet's current template; its install takes
# .knobs.nodes[node].readyAfter reads (default 0), or never ends for the versions in neverReady.
def new_ds_pod($i; $node):
  .daemonsets[$i] as $ds
  | ((.seq // 0) + 1) as $n
  | (.knobs.nodes[$node] // {}) as $k
  | $ds.x.version as $v
  | (if (($k.neverReady // []) | index([$v])) != null then -1 else ($k.readyAfter // 0) end) as $ready_in
  | "\($ds.metadata.name)-\($n)" as $name
  | .seq = $n
  | .pods += [{apiVersion: "v1", kind: "Pod",
      metadata: {name: $name, namespace: $ds.metadata.namespace, uid: "pod-uid-\($n)",
        labels: (($ds.spec.selector.matchLabels // {}) + {"controller-revision-hash": $ds.x.hash}),
        ownerReferences: [{apiVersion: "apps/v1", kind: "DaemonSet", name: $ds.metadata.name, uid: $ds.metadata.uid, controller: true}]},
      spec: {nodeName: $node, containers: [kata_container($v)]},
      status: {phase: "Running"},
      x: {readyIn: $ready_in, version: $v,
          logs: ($k.logs // "kata-deploy \($v): installing on \($node)\nkata-deploy \($v): install complete")}}]
  | if $ready_in == -1 then event($ds.metadata.namespace; $name; "Warning"; "Unhealthy";
      "Readiness probe failed: HTTP probe failed with statuscode: 503") else . end;

# The controller observes the spec: a ControllerRevision for the current template (an older one
# coming back gets the next .revision, as the real controller does); RollingUpdate replaces
# every pod on another revision at once.
def ds_sync($i):
  .daemonsets[$i] as $ds
  | $ds.metadata.uid as $uid | $ds.x.hash as $h
  | ([.controllerrevisions[]? | select(owned_by($uid)) | .revision] | max // 0) as $max
  | (first(.controllerrevisions | to_entries[]
      | select((.value | owned_by($uid)) and .value.metadata.labels["controller-revision-hash"] == $h) | .key) // null) as $ci
  | if $ci == null then
      .controllerrevisions += [{apiVersion: "apps/v1", kind: "ControllerRevision",
        metadata: {name: "\($ds.metadata.name)-\($h)", namespace: $ds.metadata.namespace,
          labels: (($ds.spec.selector.matchLabels // {}) + {"controller-revision-hash": $h}),
          ownerReferences: [{apiVersion: "apps/v1", kind: "DaemonSet", name: $ds.metadata.name, uid: $uid, controller: true}]},
        revision: ($max + 1)}]
    elif .controllerrevisions[$ci].revision < $max then .controllerrevisions[$ci].revision = $max + 1
    else . end
  | .daemonsets[$i].status.observedGeneration = $ds.metadata.generation
  | .daemonsets[$i].x.lag = 0
  | if $ds.spec.updateStrategy.type == "RollingUpdate" then
      reduce ([.pods[] | select(owned_by($uid) and .metadata.labels["controller-revision-hash"] != $h)
               | {name: .metadata.name, node: .spec.nodeName}][]) as $p (.;
        .pods |= map(select(.metadata.name != $p.name or .metadata.namespace != $ds.metadata.namespace))
        | new_ds_pod($i; $p.node))
    else . end;
