# shellcheck shell=bash
# What each kata-deploy release does that the steps depend on, and the checks built on it.
# Sourced by lib.sh; the facts are kata-deploy-versions.json beside it (docs/kata-deploy-versions.md).
# The functions use lib.sh's helpers (log, die, retry, kc, patch_node, pods_json, JQ_DS_PODS).

readonly KATA_DEPLOY_VERSIONS_FILE="${BASH_SOURCE[0]%/*}/kata-deploy-versions.json"

# kd_get JQ-PATH: a value of kata-deploy-versions.json.
kd_get() {
  jq -r "$1" "$KATA_DEPLOY_VERSIONS_FILE"
}

# version_at_least A B: version A is B or newer (X.Y.Z compared as numbers, a -suffix ignored;
# KataDeployVersions.CompareVersions in C#).
version_at_least() {
  jq -en --arg a "$1" --arg b "$2" \
    'def v: split("-")[0] | split(".") | map(tonumber? // 0); ($a | v) >= ($b | v)' >/dev/null
}

# ---- "installed": what shows that a recycled kata-deploy pod has installed Kata on its node

# pod_installed NAMESPACE POD PROBED: the Ready kata-deploy pod POD has finished installing Kata.
# Ready proves it when a startup or readiness probe on /readyz gates it (PROBED=true, ds_pods'
# probed: 3.31.0+); otherwise (3.29.0, 3.30.0: no probe, Ready before the install) only the line
# kata-deploy logs once installed does.
pod_installed() {
  local ns=$1 name=$2 probed=$3 line logs
  [[ $probed != true ]] || return 0
  line=$(kd_get .installed.logLine)
  logs=$(retry kc logs "$name" -n "$ns" --all-containers=true 2>/dev/null) || return 1
  [[ $logs == *"$line"* ]]
}

# installed_how PROBED: how a pod showed it is installed, for the log.
installed_how() {
  if [[ $1 == true ]]; then echo "Ready through its /readyz probe"; else echo "its log says '$(kd_get .installed.logLine)'"; fi
}

# ---- what stage's upgrade changes beyond the DaemonSet (preflight)

# manifest_objects FILE: the objects of a manifest (Helm's YAML) as one JSON list, read by
# kubectl's own YAML reader.
manifest_objects() {
  retry kc create --dry-run=client -o json -f "$1" 2>"$WORK_DIR/convert.err" |
    jq -cs '[.[] | if .kind == "List" then .items[] else . end | select(type == "object")]' ||
    die "kubectl cannot read the manifest $1: $(head -n 3 "$WORK_DIR/convert.err")"
}

# stage_template RELEASE CHART VERSION NAMESPACE VALUES-FILE: stage's upgrade rendered by Helm
# alone (`helm template`: no cluster, no lookups), to tell a target in job mode when Helm's dry run
# failed on that mode's objects.
stage_template() {
  helm template "$1" "$2" --version "$3" -n "$4" -f "$5"
}

# refuse_job_mode VERSION DAEMONSET: (preflight) the target renders no DaemonSet DAEMONSET.
refuse_job_mode() {
  die "target-version: kata-deploy $1 with the release's values renders no DaemonSet $2, so it would run in deploymentMode job, which this workflow does not upgrade; keep deploymentMode daemonset, or upgrade with helm"
}

# check_target_daemonset MANIFEST DAEMONSET VERSION: (preflight) refuses a target whose manifest
# has no DaemonSet DAEMONSET: in deploymentMode job (3.32.0+) kata-deploy runs no DaemonSet.
check_target_daemonset() {
  manifest_objects "$1" | jq -e --arg ds "$2" 'any(.[]; .kind == "DaemonSet" and .metadata.name == $ds)' >/dev/null ||
    refuse_job_mode "$3" "$2"
}

# jq: what stage's upgrade changes in cluster-scoped objects. $kv: kata-deploy-versions.json;
# $to: the target version. kd_changes($cur; $tgt) (the objects of the current and the target
# manifest) gives [{kind, name, field, change, from, to, when, verdict}]; when: recycle (takes
# effect on a node when its kata-deploy pod is recycled), at-once (at stage, on every node),
# none; verdict: go, warn, label (safe once stage labels the nodes where the release is
# installed), refuse. kd_lines groups like changes into the lines preflight and plan print.
# The C# twin is KataArgo.Submitter.ClusterChanges (a test runs both over every version pair).
# shellcheck disable=SC2016 # a jq program
readonly JQ_CLUSTER_CHANGES='
def kd_version: split("-")[0] | split(".") | map(tonumber? // 0);
def kd_show: if . == null then "(none)" elif type == "string" then . else tojson end;
def kd_leaves: [paths(type != "object" and type != "array"), paths((type == "object" or type == "array") and length == 0)];
def kd_diff($a; $b):
  ([($a | kd_leaves[]), ($b | kd_leaves[])] | unique)[] as $p
  | ($a | try getpath($p) catch null) as $x | ($b | try getpath($p) catch null) as $y
  | select($x != $y) | {path: $p, from: ($x | kd_show), to: ($y | kd_show)};
def kd_leaf: {field: (.path | map(tostring) | join(".")), change: "changes", from, to,
  when: (if .path[0] == "metadata" then "none" else "at-once" end),
  verdict: (if .path[0] == "scheduling" then "warn" else "go" end)};
def kd_rights: [(.rules // [])[] | . as $r
  | ((($r.apiGroups // [""])[] as $g | ($r.resources // [])[] as $res | ($r.verbs // [])[] as $v
      | "\($v) \($res)\(if $g == "" then "" else ".\($g)" end)\(if $r.resourceNames then " named " + ($r.resourceNames | join(",")) else "" end)"),
     (($r.nonResourceURLs // [])[] as $u | ($r.verbs // [])[] as $v | "\($v) \($u)"))] | unique;
def kd_changed($a; $b):
  if $b.kind == "RuntimeClass" then
    (if $a.handler != $b.handler then {field: "handler", change: "changes", from: ($a.handler | kd_show), to: ($b.handler | kd_show), when: "at-once", verdict: "refuse"} else empty end),
    (($a.scheduling.nodeSelector // {}) as $x | ($b.scheduling.nodeSelector // {}) as $y
     | ($kv.instanceLabel.prefix + ($b.metadata.labels[$kv.instanceLabel.runtimeClassLabel] // "")) as $instance
     | ($y | to_entries[] | select($x[.key] != .value)
        | {field: "scheduling.nodeSelector", change: "adds", from: "", to: "\(.key)=\(.value)", when: "at-once",
           verdict: (if .key == $instance and .value == $kv.instanceLabel.installedValue
                        and ($to | kd_version) >= ($kv.instanceLabel.since | kd_version) then "label"
                     elif (.key | split("/")[0]) as $d | any($kv.labelDomains[]; . == $d) then "refuse"
                     else "warn" end)}),
       ($x | to_entries[] | select($y[.key] != .value)
        | {field: "scheduling.nodeSelector", change: "drops", from: "\(.key)=\(.value)", to: "", when: "at-once", verdict: "go"})),
    (kd_diff($a; $b) | select(.path[0] != "handler" and .path[0:2] != ["scheduling", "nodeSelector"]) | kd_leaf)
  elif $b.kind == "ClusterRole" then
    (($a | kd_rights) as $x | ($b | kd_rights) as $y
     | (($y - $x) | select(length > 0) | {field: "rules", change: "grants", from: "", to: join(", "), when: "at-once", verdict: "go"}),
       (($x - $y) | select(length > 0) | {field: "rules", change: "revokes", from: join(", "), to: "", when: "at-once", verdict: "warn"})),
    (kd_diff($a; $b) | select(.path[0] != "rules") | kd_leaf)
  else kd_diff($a; $b) | kd_leaf end;
def kd_keyed: map(select(.kind as $k | any($kv.clusterScopedKinds[]; . == $k)))
  | map({key: "\(.kind)/\(.metadata.name)", value: .}) | from_entries;
def kd_changes($cur; $tgt):
  ($cur | kd_keyed) as $a | ($tgt | kd_keyed) as $b
  | [(($b | keys[]) as $k | $b[$k] as $o
      | if $a[$k] == null then
          {field: "", change: "added", from: "", to: "",
           when: (if $o.kind == "RuntimeClass" then "recycle" else "at-once" end), verdict: "go"}
        else kd_changed($a[$k]; $o) end
      | {kind: $o.kind, name: $o.metadata.name, field, change, from, to, when, verdict}),
     (($a | keys[]) as $k | select($b[$k] == null) | $a[$k] as $o
      | {kind: $o.kind, name: $o.metadata.name, field: "", change: "removed", from: "", to: "",
         when: "at-once", verdict: (if $o.kind == "RuntimeClass" then "warn" else "go" end)})];
def kd_names: sort | if length <= 3 then join(", ") else (.[0:3] | join(", ")) + " and \(length - 3) more" end;
def kd_what:
  if .change == "added" or .change == "removed" then .change
  elif .change == "adds" then "\(.field) adds \(.to)"
  elif .change == "drops" then "\(.field) drops \(.from)"
  elif .change == "grants" then "\(.field) grant \(.to)"
  elif .change == "revokes" then "\(.field) no longer grant \(.from)"
  else "\(.field) \(.from) -> \(.to)" end;
def kd_when: {recycle: "on each node when it is upgraded", "at-once": "at stage, on every node", none: "no effect on nodes"}[.when];
def kd_effect:
  if .change == "added" and .kind == "RuntimeClass" then "until then, pods that ask for it may land on nodes not yet upgraded and fail to start"
  elif .change == "removed" and .kind == "RuntimeClass" then "pods that ask for it are refused everywhere, nodes not yet upgraded included"
  elif .field == "handler" then "pods created from then on ask nodes not yet upgraded for a handler they do not have"
  elif .change == "adds" and .verdict == "label" then "pods created from then on only go to nodes with that label, which kata-deploy \($kv.instanceLabel.since) and later writes once installed; stage first puts it on the nodes where this release is installed"
  elif .change == "adds" and .verdict == "refuse" then "pods created from then on only go to nodes with that label, which nodes not yet upgraded do not have"
  elif .change == "adds" then "pods created from then on only go to nodes with that label"
  elif .change == "drops" then "pods created from then on no longer need that label"
  elif .change == "grants" then "kata-deploy pods not yet upgraded get these rights too"
  elif .change == "revokes" then "kata-deploy pods not yet upgraded lose these rights too"
  elif .field | startswith("overhead.") then "pods created from then on reserve the new overhead wherever they run"
  else "" end;
def kd_lines:
  group_by([.kind, .field, .change, .from, .to, .when, .verdict])
  | map(.[0] as $c | ($c | kd_effect) as $e
        | {verdict: $c.verdict,
           line: "\($c.kind) \(map(.name) | kd_names): \($c | kd_what); \($c | kd_when)\(if $e == "" then "" else ": \($e)" end)"});'

# cluster_changes CURRENT-OBJECTS TARGET-OBJECTS TARGET-VERSION DAEMONSET: what stage's upgrade
# changes, as lines: "daemonset yes|no" (the target renders DAEMONSET), "safe-label KEY=VALUE"
# (the safe way through, once per label), then "VERDICT LINE" for each group of like changes.
cluster_changes() {
  jq -rn --slurpfile cur "$1" --slurpfile tgt "$2" --argjson kv "$(<"$KATA_DEPLOY_VERSIONS_FILE")" --arg to "$3" --arg ds "$4" \
    "$JQ_CLUSTER_CHANGES"' kd_changes($cur[0]; $tgt[0]) as $c
    | "daemonset \(if any($tgt[0][]; .kind == "DaemonSet" and .metadata.name == $ds) then "yes" else "no" end)",
      ([$c[] | select(.verdict == "label") | .to] | unique[] | "safe-label \(.)"),
      ($c | kd_lines[] | "\(.verdict) \(.line)")'
}

# check_target_manifest CURRENT TARGET DAEMONSET FROM TO: (preflight) what stage's upgrade from
# FROM to TO changes beyond the DaemonSet; CURRENT and TARGET are manifests as Helm prints them.
# Refuses a target that renders no DaemonSet DAEMONSET (deploymentMode job) and a cluster-scoped
# change that would strand Kata pods on nodes not yet upgraded; lists the others. Sets
# INSTALL_LABELS: the KEY=VALUE labels stage first puts on the nodes where kata-deploy is installed.
check_target_manifest() {
  local current=$1 target=$2 ds=$3 from=$4 to=$5 kind line refused="" labels=() listed=()
  INSTALL_LABELS=""
  manifest_objects "$current" >"$WORK_DIR/current.json"
  manifest_objects "$target" >"$WORK_DIR/target.json"
  cluster_changes "$WORK_DIR/current.json" "$WORK_DIR/target.json" "$to" "$ds" >"$WORK_DIR/changes.txt"
  while read -r kind line; do
    case $kind in
      daemonset)
        [[ $line == yes ]] || refuse_job_mode "$to" "$ds" ;;
      safe-label) labels+=("$line") ;;
      refuse) listed+=("  refused: $line"); [[ -n $refused ]] || refused=$line ;;
      warn) listed+=("  warning: $line") ;;
      *) listed+=("  $line") ;;
    esac
  done <"$WORK_DIR/changes.txt"
  if (( ${#listed[@]} == 0 )); then
    log "preflight: stage changes no cluster-scoped object ($from -> $to)"
    return 0
  fi
  log "preflight: cluster-scoped changes of stage's upgrade ($from -> $to); only the DaemonSet's pods wait for their node:"
  for line in "${listed[@]}"; do log "$line"; done
  [[ -z $refused ]] ||
    die "target-version: $refused; this workflow cannot upgrade node by node across that change: upgrade with helm (every node at once) or choose another target-version"
  # shellcheck disable=SC2034 # preflight outputs it
  INSTALL_LABELS=${labels[*]}
  for line in "${labels[@]}"; do
    log "preflight: stage first labels $line the nodes where kata-deploy is installed (kata-deploy $to writes it there itself once installed); the label stays on rollback"
  done
}

# label_installed_nodes NAMESPACE DAEMONSET [KEY=VALUE...]: (stage, before its upgrade; preflight's
# install-labels) the safe way through a RuntimeClass selector on the release's own install label
# (kata-deploy 4.1.0+): label every node where the release's kata-deploy pod has installed Kata
# (pod_installed) and the label is missing, so nodes not yet upgraded keep taking Kata pods.
label_installed_nodes() {
  local ns=$1 ds=$2 label key value nodes name node probed ready count skipped
  shift 2
  (( $# > 0 )) || return 0
  load_daemonset "$ns" "$ds"
  pods_json "$ns" | jq -c --arg uid "$DS_UID" --arg readyz "$(kd_get .installed.readyProbePath)" "$JQ_DS_PODS ds_pods" >"$WORK_DIR/label-pods.json"
  for label; do
    key=${label%%=*} value=${label#*=} count=0 skipped=()
    nodes=$(retry kc get nodes -o json | jq -c --arg k "$key" --arg v "$value" '[.items[] | select(.metadata.labels[$k] != $v) | {(.metadata.name): true}] | add // {}')
    while read -r name node probed ready; do
      [[ -n $name ]] || continue
      if [[ $ready == true ]] && pod_installed "$ns" "$name" "$probed"; then
        patch_node "$node" label "$key" "$value"
        count=$((count + 1))
      else
        skipped+=("$node")
      fi
    done < <(jq -r --argjson n "$nodes" '.[] | select((.deleting | not) and $n[.node] != null)
      | "\(.name) \(.node) \(.probed) \(.ready)"' "$WORK_DIR/label-pods.json")
    log "stage: labelled $label $count node(s) where kata-deploy is installed, so they keep taking Kata pods until they are upgraded"
    (( ${#skipped[@]} == 0 )) ||
      log "warning: stage: not labelled $label, kata-deploy is not installed there: ${skipped[*]}; Kata pods created from now on go there only once it is upgraded"
  done
}
