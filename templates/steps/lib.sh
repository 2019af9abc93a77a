#!/usr/bin/env bash
# Shared helpers of every step: each step file sources this one from its own folder (the chart's
# steps ConfigMap, mounted into every step pod). Contract: README.md in this folder.
# shellcheck disable=SC2153 # the steps' inputs (NODE, RUN, ...) are assigned by input()
set -euo pipefail
shopt -s inherit_errexit
STEPS_DIR=${BASH_SOURCE[0]%/*}
# What each kata-deploy release does (kata-deploy-versions.json) and the checks built on it.
# shellcheck source-path=SCRIPTDIR source=kata-deploy.sh
source "$STEPS_DIR/kata-deploy.sh"
# Byte-wise character classes in the validators, whatever the image's locale.
export LC_ALL=C
# Read-only root filesystem: /tmp (TMPDIR where set) is the pod's writable emptyDir.
export HOME=${TMPDIR:-/tmp}
export HELM_CACHE_HOME=$HOME/.cache/helm HELM_CONFIG_HOME=$HOME/.config/helm HELM_DATA_HOME=$HOME/.local/share/helm

# The only knobs tests turn: how long a poll or a backoff waits, where outputs go, and where the
# container's termination message is written (Kubernetes' default path; Argo shows it as the
# node's message).
POLL_SECONDS=${POLL_SECONDS:-5}
OUTPUT_DIR=${OUTPUT_DIR:-/tmp/outputs}
TERMINATION_LOG=${TERMINATION_LOG:-/dev/termination-log}

# shellcheck disable=SC2034 # each step uses some of these
readonly \
  STATUS_KEY=katacontainers.io/kata-lifecycle-manager-status \
  VERSION_KEY=katacontainers.io/kata-current-version \
  RUN_KEY=katacontainers.io/kata-lifecycle-manager-run \
  NEXT_KEY=katacontainers.io/kata-lifecycle-manager-next \
  WAS_UNSCHEDULABLE_KEY=katacontainers.io/kata-lifecycle-manager-was-unschedulable \
  STARTED_AT_KEY=katacontainers.io/kata-lifecycle-manager-started-at \
  FINISHED_AT_KEY=katacontainers.io/kata-lifecycle-manager-finished-at \
  RECORD_PREFIX=kata-lifecycle-run- \
  PLAN_PREFIX=kata-lifecycle-plan- \
  UNSCHEDULABLE_TAINT=node.kubernetes.io/unschedulable \
  HELM_RELEASE_NAME_KEY=meta.helm.sh/release-name \
  HELM_RELEASE_NAMESPACE_KEY=meta.helm.sh/release-namespace \
  REVISION_HASH_KEY=controller-revision-hash \
  PHASE_API_SECONDS=300 PHASE_MARGIN_SECONDS=300 \
  MAX_PLANNED_NODES=10000 MAX_PLAN_BYTES=900000 NAMED_LOOP_MAX_NODES=5000 \
  RETRY_ATTEMPTS=5 \
  KUBECTL_REQUEST_TIMEOUT=60s

# Log lines go to the step's real stdout even from inside $(...).
exec 3>&1

log() {
  local line="$*"
  line=${line//$'\n'/\\n}
  line=${line//$'\r'/\\r}
  printf '%s\n' "$line" >&3
}

die() {
  local line="$*"
  line=${line//$'\n'/\\n}
  line=${line//$'\r'/\\r}
  printf 'error: %s\n' "$line" >&2
  termination_message "$line"
  exit 1
}

# The one line a failed step leaves as its container's termination message (at most 4096 bytes).
termination_message() {
  printf '%s' "${1:0:1024}" >"$TERMINATION_LOG" 2>/dev/null || true
}

[[ $POLL_SECONDS =~ ^[0-9]{1,4}$ ]] || die "POLL_SECONDS: '$POLL_SECONDS' is not a number of seconds"

# steps_digest: sha256 of every file of the steps folder, in byte order of their names (StepScripts.Digest).
steps_digest() {
  local digest
  digest=$(cat "$STEPS_DIR"/* | sha256sum)
  printf 'sha256:%s\n' "${digest%% *}"
}

# The WorkflowTemplate names the scripts it was rendered with. A chart upgraded during a run
# changes the mounted scripts under it: stop at once rather than run a mix of two versions.
if [[ -n ${KATA_STEPS_DIGEST-} && $KATA_STEPS_DIGEST != "$(steps_digest)" ]]; then
  die "the step scripts ($(steps_digest)) are not the ones this WorkflowTemplate was rendered with ($KATA_STEPS_DIGEST): the kata-lifecycle-manager chart changed during this run; submit the run again (recover -p run=NAME restores a failed run with the new scripts)"
fi

WORK_DIR=$(mktemp -d)
# A per-node step that fails marks its node 'failed' (README: "Any failing per-node step ...").
FAIL_NODE=""

on_exit() {
  local rc=$?
  if (( rc != 0 )) && [[ -n $FAIL_NODE ]]; then
    set_status "$FAIL_NODE" failed || log "$FAIL_NODE: could not mark the node failed"
    log "$FAIL_NODE: failed"
  fi
  rm -rf "$WORK_DIR"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 143' TERM INT

now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

output() {
  mkdir -p "$OUTPUT_DIR"
  printf '%s' "$2" >"$OUTPUT_DIR/$1"
}

# ---- input validation: the rules of ParameterRules (src/KataArgo.Lifecycle/WorkflowParameters.cs)

readonly VERSION_RE='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z]([0-9A-Za-z.-]*[0-9A-Za-z])?)?$'
readonly DURATION_RE='^([0-9]+h)?([0-9]+m)?([0-9]+s)?$'
# Go's time.ParseDuration syntax (sign, fractions, ns to h in any order): named in the message only.
readonly GO_DURATION_RE='^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$'
# The accepted form: first unit without leading zeros, later units below 60 (300s, 90m, 1h30m).
readonly CANONICAL_DURATION_RE='^([1-9][0-9]*h([0-5]?[0-9]m)?([0-5]?[0-9]s)?|[1-9][0-9]*m([0-5]?[0-9]s)?|[1-9][0-9]*s)$'
readonly DNS_LABEL_RE='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
readonly NODE_NAME_RE='^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
# Label-selector grammar, as LabelSelectorText (C#) and the API server: requirements joined by ','.
readonly SELECTOR_KEY='([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?'
readonly SELECTOR_VALUE='([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?'
readonly SELECTOR_REQ="[[:space:]]*(${SELECTOR_KEY}[[:space:]]+(in|notin)[[:space:]]*\\([[:space:]]*${SELECTOR_VALUE}[[:space:]]*(,[[:space:]]*${SELECTOR_VALUE}[[:space:]]*)*\\)|${SELECTOR_KEY}[[:space:]]*(==|=|!=)[[:space:]]*${SELECTOR_VALUE}|(![[:space:]]*)?${SELECTOR_KEY})[[:space:]]*"
readonly SELECTOR_RE="^([[:space:]]*|${SELECTOR_REQ}(,${SELECTOR_REQ})*)$"
readonly QUALIFIED_NAME_RE='^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'
readonly LABEL_VALUE_RE='^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$'
readonly IMAGE_RE='^[a-z0-9]+([._-][a-z0-9]+|__)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$'
readonly IMAGE_TAG_RE=':[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$'
readonly CHART_RE='^((oci|https?)://[A-Za-z0-9._~:/@%+-]+|[A-Za-z0-9._-]+/[A-Za-z0-9._-]+)$'
readonly BASE64_RE='^[A-Za-z0-9+/]+={0,2}$'
readonly DEFAULT_IMAGE=docker.io/alpine/k8s:1.32.4

# Seconds in a Go duration of hours, minutes and seconds (300s, 10m, 1h30m); fails when malformed.
duration_seconds() {
  local value=$1
  [[ -n $value && $value =~ $DURATION_RE ]] || return 1
  local h=${BASH_REMATCH[1]%h} m=${BASH_REMATCH[2]%m} s=${BASH_REMATCH[3]%s}
  [[ ${#h} -le 9 && ${#m} -le 9 && ${#s} -le 9 ]] || return 1
  printf '%d\n' $(( 10#${h:-0} * 3600 + 10#${m:-0} * 60 + 10#${s:-0} ))
}

# Longest accepted value of a KIND, as ParameterRules.MaxLength.
max_length() {
  case $1 in
    # An environment variable holds at most 128 KiB on Linux.
    pod64) MAX_LENGTH=98304 ;;
    # Versions and run names become node label values.
    version) MAX_LENGTH=63 ;;
    node-list | selector) MAX_LENGTH=8192 ;;
    image | chart) MAX_LENGTH=512 ;;
    *) MAX_LENGTH=253 ;;
  esac
}

# check_value KIND NAME VALUE: dies with ParameterRules' message when VALUE is not a KIND.
# KIND: version boolean duration:MAXSECONDS release namespace selector taint-key taint-value
# node-list node run image chart pod64.
check_value() {
  local kind=$1 name=$2 value=$3
  max_length "${kind%%:*}"
  (( ${#value} <= MAX_LENGTH )) || die "$name: value is ${#value} characters long; at most $MAX_LENGTH are accepted"
  case $kind in
    version)
      [[ $value =~ $VERSION_RE ]] || die "$name: '$value' is not a version; use X.Y.Z or X.Y.Z-suffix with numbers without leading zeros, e.g. 3.29.0" ;;
    boolean)
      [[ $value == true || $value == false ]] || die "$name: '$value' is not a boolean; use true or false" ;;
    duration:*)
      local seconds limit=${kind#duration:}
      if ! seconds=$(duration_seconds "$value"); then
        # Whole units in order with more than nine digits in one are beyond any maximum.
        [[ -z $value || ! $value =~ $DURATION_RE ]] || die "$name: '$value' is longer than the maximum $(format_limit "$limit")"
        [[ $value =~ $GO_DURATION_RE ]] || die "$name: '$value' is not a duration; use whole hours, minutes and seconds such as 300s, 10m or 1h30m"
        [[ $value =~ [1-9] ]] || die "$name: '$value' is zero; give a positive duration such as 300s, 10m or 1h30m"
        die "$name: '$value' is a Go duration, but not one this workflow takes: use whole hours, minutes and seconds, in that order, such as 300s, 10m or 1h30m (no ms, us or ns, fractions or signs)"
      fi
      (( seconds > 0 )) || die "$name: '$value' is zero; give a positive duration such as 300s, 10m or 1h30m"
      (( seconds <= limit )) || die "$name: '$value' is longer than the maximum $(format_limit "$limit")"
      [[ $value =~ $CANONICAL_DURATION_RE ]] ||
        die "$name: '$value' is not in the accepted form; write the first unit without leading zeros and later units below 60, e.g. 300s, 90m or 1h30m" ;;
    release)
      [[ ${#value} -le 53 && $value =~ $DNS_LABEL_RE ]] ||
        die "$name: '$value' is not a Helm release name; use lowercase letters, digits and '-' (at most 53)" ;;
    namespace)
      [[ ${#value} -le 63 && $value =~ $DNS_LABEL_RE ]] ||
        die "$name: '$value' is not a namespace name; use lowercase letters, digits and '-' (at most 63)" ;;
    selector)
      [[ $value =~ $SELECTOR_RE ]] ||
        die "$name: '$value' is not a label selector; use key=value, key!=value, key, !key, key in (a,b), key notin (a,b) joined by ','" ;;
    taint-key)
      [[ -z $value || $value =~ $QUALIFIED_NAME_RE ]] ||
        die "$name: '$value' is not a taint key; use [prefix/]name of letters, digits, '-', '_', '.'" ;;
    taint-value)
      [[ $value =~ $LABEL_VALUE_RE ]] ||
        die "$name: '$value' is not a taint value; use letters, digits, '-', '_', '.' (at most 63)" ;;
    node-list)
      local item rest=$value,
      while [[ -n $value && -n $rest ]]; do
        item=${rest%%,*} rest=${rest#*,}
        [[ ${#item} -le 253 && $item =~ $NODE_NAME_RE ]] || die "$name: '$value' is not a comma-separated list of node names"
      done ;;
    node)
      [[ -z $value || $value =~ $NODE_NAME_RE ]] ||
        die "$name: '$value' is not a node name; use lowercase letters, digits, '-' and '.'" ;;
    run)
      [[ -z $value || $value =~ $NODE_NAME_RE ]] ||
        die "$name: '$value' is not a workflow name; use lowercase letters, digits, '-' and '.'"
      # The run names a node label, and label values are at most 63 characters.
      (( ${#value} <= 63 )) || die "$name: '$value' is longer than 63 characters, the limit of a label value" ;;
    image)
      [[ $value =~ $IMAGE_RE ]] ||
        die "$name: '$value' is not an image reference; use registry/repository:tag or @sha256:digest"
      [[ $value == *@* || $value =~ $IMAGE_TAG_RE ]] || die "$name: '$value' has no tag; pin a version, e.g. $DEFAULT_IMAGE"
      [[ $value != *:latest ]] || die "$name: '$value' uses :latest; pin a version, e.g. $DEFAULT_IMAGE" ;;
    chart)
      [[ $value =~ $CHART_RE ]] ||
        die "$name: '$value' is not a chart reference; use oci://registry/path, https://... or repo/chart" ;;
    pod64)
      [[ -z $value || ( $value =~ $BASE64_RE && $(( ${#value} % 4 )) == 0 ) ]] ||
        die "$name: the value is not base64; pass the Pod manifest encoded, e.g. -p $name=\$(base64 -w0 pod.yaml)" ;;
    *) die "internal: unknown kind $kind" ;;
  esac
}

format_limit() {
  local seconds=$1
  if (( seconds >= 3600 && seconds % 3600 == 0 )); then echo "$((seconds / 3600))h"; else echo "$((seconds / 60))m"; fi
}

# input ENV KIND [NAME]: validates the environment variable ENV (unset reads as empty) and keeps it.
input() {
  local env=$1 kind=$2 name=${3:-$1}
  local value=${!env-}
  check_value "$kind" "$name" "$value"
  printf -v "$env" '%s' "$value"
}

require() {
  [[ -n ${!1-} ]] || die "$2: a value is required; $3"
}

# input_json ENV NAME JQ-TEST: ENV must be one JSON value for which the jq test holds (it comes
# from a previous step's output, so a mismatch means the template's wiring is broken). Slurped:
# `jq -e` over several values judges only the last one.
input_json() {
  local env=$1 name=$2 test=$3
  local value=${!env-}
  jq -es "length == 1 and (.[0] | $test)" >/dev/null 2>&1 <<<"$value" || die "$name: '$value' is not $4"
  printf -v "$env" '%s' "$value"
}

input_uid() {
  local value=${!1-}
  [[ $value =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || die "$2: '$value' is not a Kubernetes UID"
  printf -v "$1" '%s' "$value"
}

input_revision() {
  local value=${!1-}
  [[ $value =~ ^[1-9][0-9]{0,8}$ ]] || die "$2: '$value' is not a Helm revision number"
  printf -v "$1" '%s' "$value"
}

input_daemonset() {
  local value=${!1-}
  [[ ${#value} -le 253 && $value =~ $NODE_NAME_RE ]] || die "$2: '$value' is not a DaemonSet name"
  printf -v "$1" '%s' "$value"
}

# kata-deploy at this version keeps Kata installed when its pod restarts (kata-deploy-versions.json
# minimumVersion; older ones uninstall it).
version_supported() {
  version_at_least "$1" "$(kd_get .minimumVersion)"
}

# ---- talking to the API server

kc() { kubectl --request-timeout="$KUBECTL_REQUEST_TIMEOUT" "$@"; }

is_transient() {
  case $1 in
    *NotFound* | *"not found"* | *Forbidden* | *forbidden* | *Unauthorized* | *"is invalid"* | *Invalid* | \
      *BadRequest* | *AlreadyExists* | *"already exists"*) return 1 ;;
  esac
  case $1 in
    *"connection refused"* | *"connection reset"* | *"i/o timeout"* | *"TLS handshake timeout"* | *Timeout* | \
      *"timed out"* | *"deadline exceeded"* | *etcdserver* | *"the object has been modified"* | *InternalError* | \
      *"Internal error"* | *"internal error"* | *ServiceUnavailable* | *"service unavailable"* | *"Service Unavailable"* | \
      *TooManyRequests* | *"too many requests"* | *"unable to handle the request"* | *"unexpected EOF"* | \
      *"status code 5"[0-9][0-9]* | *"(50"[0-9]")"* | *"http2: "*) return 0 ;;
  esac
  return 1
}

# retry COMMAND...: runs an external command (or kc) up to RETRY_ATTEMPTS times with a growing
# backoff while it fails with a transient API error; never on NotFound, Forbidden or invalid.
retry() {
  local attempt=1 rc out="$WORK_DIR/retry.out" err="$WORK_DIR/retry.err"
  while :; do
    rc=0
    "$@" >"$out" 2>"$err" || rc=$?
    if (( rc == 0 )) || (( attempt >= RETRY_ATTEMPTS )) || ! is_transient "$(<"$err")"; then
      cat "$out"
      cat "$err" >&2
      return "$rc"
    fi
    log "transient error from $1 (attempt $attempt of $RETRY_ATTEMPTS), retrying: $(head -n 1 "$err")"
    sleep $(( POLL_SECONDS * (1 << (attempt - 1)) ))
    attempt=$((attempt + 1))
  done
}

is_not_found() {
  case $1 in *NotFound* | *"not found"*) return 0 ;; esac
  return 1
}

# get_optional KIND NAME [ARGS...]: the object's JSON, or nothing when it does not exist.
get_optional() {
  local out rc=0 err="$WORK_DIR/get.err"
  out=$(retry kc get "$@" -o json 2>"$err") || rc=$?
  if (( rc == 0 )); then
    printf '%s\n' "$out"
  elif ! is_not_found "$(<"$err")"; then
    cat "$err" >&2
    return "$rc"
  fi
}

# patch_node NODE [OPERATION KEY VALUE]...: one merge patch of the node, so that its labels,
# annotations and schedulability change together. OPERATION: label, annotation, both (label and
# annotation), unlabel, unannotate (VALUE ignored), unschedulable (KEY ignored, VALUE true or
# false: cordon or uncordon, as `kubectl cordon` patches spec.unschedulable).
patch_node() {
  local node=$1 patch
  shift
  patch=$(jq -cn '
    $ARGS.positional as $a
    | reduce range(0; $a | length; 3) as $i ({metadata: {}};
        $a[$i] as $op | $a[$i + 1] as $k | $a[$i + 2] as $v
        | if $op == "label" then .metadata.labels[$k] = $v
          elif $op == "annotation" then .metadata.annotations[$k] = $v
          elif $op == "both" then .metadata.labels[$k] = $v | .metadata.annotations[$k] = $v
          elif $op == "unlabel" then .metadata.labels[$k] = null
          elif $op == "unannotate" then .metadata.annotations[$k] = null
          elif $op == "unschedulable" then .spec.unschedulable = (if $v == "true" then true else null end)
          else error("unknown patch operation \($op)") end)' --args "$@")
  retry kc patch node "$node" --type merge -p "$patch" >/dev/null
}

# Status goes into a label too: `kubectl get nodes -L` shows labels only.
set_status() {
  local node=$1 status=$2
  shift 2
  patch_node "$node" both "$STATUS_KEY" "$status" "$@"
}

# ---- the kata-deploy DaemonSet, its revisions and its pods

# load_daemonset NAMESPACE NAME: sets DS_UID DS_SELECTOR DS_GENERATION DS_OBSERVED DS_STRATEGY.
load_daemonset() {
  local json fields
  json=$(retry kc get daemonset "$2" -n "$1" -o json)
  fields=$(jq -r '
    .metadata.uid,
    (.spec.selector.matchLabels // {} | to_entries | map("\(.key)=\(.value)") | join(",")),
    (.metadata.generation // 0), (.status.observedGeneration // 0),
    (.spec.updateStrategy // {} | tojson)' <<<"$json")
  # shellcheck disable=SC2034 # DS_STRATEGY is read by the steps
  { read -r DS_UID; read -r DS_SELECTOR; read -r DS_GENERATION; read -r DS_OBSERVED; read -r DS_STRATEGY; } <<<"$fields"
  [[ -n $DS_SELECTOR ]] || die "DaemonSet $1/$2 has no spec.selector.matchLabels"
}

# wait_daemonset_synced NAMESPACE NAME TIMEOUT: the DaemonSet controller has seen the latest spec,
# so its ControllerRevisions name the updated revision.
wait_daemonset_synced() {
  local deadline=$((SECONDS + $3))
  while :; do
    load_daemonset "$1" "$2"
    (( DS_OBSERVED < DS_GENERATION )) || return 0
    (( SECONDS < deadline )) || die "DaemonSet $1/$2: the controller did not observe generation $DS_GENERATION within $3s (observed $DS_OBSERVED)"
    sleep "$POLL_SECONDS"
  done
}

# updated_revision NAMESPACE NAME: controller-revision-hash of the DaemonSet's ControllerRevision
# with the highest .revision (needs load_daemonset first).
updated_revision() {
  local json hash
  json=$(retry kc get controllerrevisions -n "$1" -l "$DS_SELECTOR" -o json)
  hash=$(jq -r --arg uid "$DS_UID" '
    [.items[] | select(any(.metadata.ownerReferences[]?; .uid == $uid))]
    | max_by(.revision) // {} | .metadata.labels["controller-revision-hash"] // ""' <<<"$json")
  [[ -n $hash ]] || die "DaemonSet $1/$2 has no ControllerRevision; cannot tell its updated revision"
  printf '%s\n' "$hash"
}

# jq: the DaemonSet's pods (owner uid $uid) in a pod list, as {name, uid, node, hash, ready,
# deleting, probed}; probed: a startup or readiness probe on kata-deploy's /readyz gates Ready
# (--arg readyz, kd_get .installed.readyProbePath; without it, false). One value per probe in
# any/2's condition: jq 1.6 answers false when the condition yields several.
# shellcheck disable=SC2016 # a jq program: $uid is jq's
readonly JQ_DS_PODS='def ds_pods: [.items[] | select(any(.metadata.ownerReferences[]?; .uid == $uid))
  | {name: .metadata.name, uid: .metadata.uid, node: (.spec.nodeName // ""),
     hash: (.metadata.labels["controller-revision-hash"] // ""),
     ready: any(.status.conditions[]?; .type == "Ready" and .status == "True"),
     deleting: (.metadata.deletionTimestamp != null),
     probed: (($ARGS.named.readyz // "") as $p | $p != ""
       and any(.spec.containers[]? | .startupProbe, .readinessProbe; (.httpGet.path? // "") == $p))}];'

# pods_json NAMESPACE [NODE]: the pod list of the DaemonSet's selector (on NODE), as kubectl prints it.
pods_json() {
  local args=(get pods -n "$1" -l "$DS_SELECTOR")
  [[ -z ${2-} ]] || args+=(--field-selector "spec.nodeName=$2")
  retry kc "${args[@]}" -o json
}

# daemonset_pods NAMESPACE [NODE]: the DaemonSet's pods (by selector, owner and node), as ds_pods.
daemonset_pods() {
  pods_json "$@" | jq -c --arg uid "$DS_UID" "$JQ_DS_PODS ds_pods"
}

# recycle_node NODE NAMESPACE DAEMONSET TIMEOUT: the node's kata-deploy pod runs the DaemonSet's
# updated revision and has installed Kata (pod_installed: Ready is not installed for every
# version). Deletes the node's pods on another revision (a pod already on the updated one, e.g.
# just created by a RollingUpdate, is left to start) and waits.
recycle_node() {
  local node=$1 ns=$2 ds=$3 timeout=$4 hash json plan verb name old probed gone="" current start=$SECONDS readyz waiting=""
  readyz=$(kd_get .installed.readyProbePath)
  wait_daemonset_synced "$ns" "$ds" "$timeout"
  hash=$(updated_revision "$ns" "$ds")
  json=$(pods_json "$ns" "$node")
  plan=$(jq -r --arg uid "$DS_UID" --arg h "$hash" --arg readyz "$readyz" "$JQ_DS_PODS"'
    ds_pods
    | if length == 1 and .[0].hash == $h and .[0].ready and (.[0].deleting | not) then "ready \(.[0].name) - \(.[0].probed)"
      else "gone \(map(select(.hash != $h) | .uid) | join(","))",
        (.[] | select(.deleting | not) | if .hash != $h then "delete \(.name) \(.hash)" else "wait \(.name)" end) end' <<<"$json")
  while read -r verb name old probed; do
    case $verb in
      ready)
        if pod_installed "$ns" "$name" "$probed"; then
          log "$node: kata-deploy pod $name already runs revision $hash and is installed ($(installed_how "$probed")); nothing to recycle"
          return 0
        fi
        log "$node: kata-deploy pod $name already runs revision $hash and is Ready; waiting for it to finish installing" ;;
      gone) gone=$name ;;
      wait) log "$node: kata-deploy pod $name already runs revision $hash; waiting for it to be installed" ;;
      delete)
        retry kc delete pod "$name" -n "$ns" --ignore-not-found --wait=false >/dev/null
        log "$node: deleted kata-deploy pod $name (revision ${old:-unknown}); waiting for revision $hash to be installed" ;;
    esac
  done <<<"$plan"
  local deadline=$((SECONDS + timeout))
  while :; do
    json=$(pods_json "$ns" "$node")
    current=$(jq -r --arg uid "$DS_UID" --arg h "$hash" --arg gone "$gone" --arg readyz "$readyz" "$JQ_DS_PODS"'
      ($gone | split(",")) as $old
      | [ds_pods[] | select((.uid as $u | $old | index([$u])) == null and (.deleting | not) and .hash == $h and .ready)]
      | .[0] | select(. != null) | "\(.name) \(.probed)"' <<<"$json")
    name="" probed=""
    [[ -z $current ]] || read -r name probed <<<"$current"
    if [[ -n $name ]]; then
      if pod_installed "$ns" "$name" "$probed"; then
        log "$node: kata-deploy pod $name runs revision $hash and is installed ($(installed_how "$probed")) ($((SECONDS - start))s)"
        return 0
      fi
      [[ $waiting == "$name" ]] ||
        log "$node: kata-deploy pod $name is Ready but has not logged '$(kd_get .installed.logLine)' yet; without a /readyz probe its Ready does not mean installed"
      waiting=$name
    fi
    if (( SECONDS >= deadline )); then
      explain_pods "$ns" "$node" "$(jq -c --arg uid "$DS_UID" "$JQ_DS_PODS ds_pods" <<<"$json")"
      [[ -z $waiting ]] ||
        die "$node: kata-deploy pod $waiting on revision $hash is Ready but did not log '$(kd_get .installed.logLine)' within ${timeout}s (recycle-timeout); without a /readyz probe only that line shows the install is done"
      die "$node: no kata-deploy pod on revision $hash became Ready within ${timeout}s (recycle-timeout)"
    fi
    sleep "$POLL_SECONDS"
  done
}

# explain_pods NAMESPACE NODE PODS-JSON: status, events and logs of the node's kata-deploy pods.
explain_pods() {
  local ns=$1 node=$2 name
  [[ $3 != "[]" ]] || log "$node: no kata-deploy pod exists on the node"
  while read -r name; do
    [[ -z $name ]] || explain_pod "$ns" "$name" "$node"
  done < <(jq -r '.[].name' <<<"$3")
}

explain_pod() {
  local ns=$1 name=$2 node=$3 json
  json=$(get_optional pod "$name" -n "$ns") || true
  if [[ -n $json ]]; then
    log "$node: pod $ns/$name status:"
    jq -r '
      "  phase: \(.status.phase // "unknown"), revision: \(.metadata.labels["controller-revision-hash"] // "-")",
      (.status.conditions[]? | "  condition \(.type)=\(.status)\(if .reason then " (\(.reason))" else "" end)"),
      (.status.containerStatuses[]? | "  container \(.name): ready=\(.ready), restarts=\(.restartCount // 0)\(
        (.state // {} | to_entries[0] // null) as $s
        | if $s then ", \($s.key)\(if $s.value.reason then " (\($s.value.reason))" else "" end)" else "" end)")' <<<"$json" >&3
  fi
  local events
  if events=$(retry kc get events -n "$ns" --field-selector "involvedObject.name=$name" -o json 2>/dev/null); then
    log "$node: events of pod $ns/$name:"
    jq -r '.items | sort_by(.lastTimestamp // .eventTime // "") | if length == 0 then "  (none)" else
      .[] | "  \(.type // "-") \(.reason // "-"): \(.message // "" | gsub("\n"; " "))" end' <<<"$events" >&3
  fi
  log "$node: logs of pod $ns/$name (last 50 lines):"
  kc logs "$name" -n "$ns" --all-containers=true --tail=50 >&3 2>&1 || log "  (no logs)"
}

# jq: seconds as 1h2m3s.
# shellcheck disable=SC2034 # used by uncordon and cleanup
readonly JQ_TOOK='def took: (if . >= 3600 then "\(. / 3600 | floor)h" else "" end)
  + (if . >= 60 then "\(. % 3600 / 60 | floor)m" else "" end) + "\(. % 60)s";'

# ---- a node's phases (upgrade-node.sh; RunProgress in C# reads them back from Argo's progress N/5)

# shellcheck disable=SC2034 # used by upgrade-node.sh
readonly -a NODE_PHASES=(cordon drain recycle verify uncordon)

# run_phase NODE PHASE LIMIT: runs PHASE.sh of this folder as its own process and stops it after
# LIMIT seconds. On failure leaves "NODE: PHASE failed: REASON" as the termination message and dies.
run_phase() {
  local node=$1 phase=$2 limit=$3 pid watchdog rc=0 started=$SECONDS reason
  # Job control gives the phase a process group of its own, so the watchdog stops its children too.
  set -m
  bash "$STEPS_DIR/$phase.sh" 2>"$WORK_DIR/$phase.err" &
  pid=$!
  set +m
  kill_after "$limit" "$pid" >/dev/null 2>&1 &
  watchdog=$!
  wait "$pid" || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  cat "$WORK_DIR/$phase.err" >&2
  (( rc != 0 )) || return 0
  if (( SECONDS - started >= limit )); then
    reason="did not finish within ${limit}s (phase deadline)"
  else
    reason=$(sed -n 's/^error: //p' "$WORK_DIR/$phase.err" | tail -n 1)
    reason=${reason#"$node: "}
    [[ -n $reason ]] || reason="exit code $rc"
  fi
  die "$node: $phase failed: $reason"
}

# kill_after SECONDS PGID: the watchdog of run_phase (a background process it stops when done).
kill_after() {
  local sleeper
  sleep "$1" &
  sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper" || true
  kill -TERM -- "-$2" 2>/dev/null || true
}

# ---- the run record (ConfigMap kata-lifecycle-run-RUN, README "What the workflow writes")

record_name() { printf '%s%s\n' "$RECORD_PREFIX" "$1"; }

# record_set NAMESPACE RUN KEY VALUE...: merges keys into the record's data.
record_set() {
  local ns=$1 run=$2 patch
  shift 2
  patch=$(jq -cn '$ARGS.positional as $a
    | {data: (reduce range(0; $a | length; 2) as $i ({}; .[$a[$i]] = $a[$i + 1]))}' --args "$@")
  retry kc patch configmap "$(record_name "$run")" -n "$ns" --type merge -p "$patch" >/dev/null
}

# ---- the run's plan (ConfigMap kata-lifecycle-plan-RUN: data.nodes, one node name per line)

# check_plan_size PLAN-JSON: one run holds at most MAX_PLANNED_NODES nodes and MAX_PLAN_BYTES of
# names, so its Workflow stays under Argo's 1 MiB (docs/workflow.md, bench/KataArgo.Benchmarks).
check_plan_size() {
  local count
  count=$(jq length <<<"$1")
  (( count <= MAX_PLANNED_NODES && ${#1} <= MAX_PLAN_BYTES )) ||
    die "plan: $count nodes (${#1} bytes of names) are more than one run holds ($MAX_PLANNED_NODES nodes, $MAX_PLAN_BYTES bytes, so that the Workflow stays under Argo's 1 MiB); split the fleet into runs with node-selector or nodes"
}

# write_plan NAMESPACE RUN RUN-UID PLAN-JSON: keeps the plan, owned by the Workflow (it goes with it).
write_plan() {
  local ns=$1 run=$2 uid=$3 name="$PLAN_PREFIX$2"
  jq -n --arg name "$name" --arg ns "$ns" --arg key "$RUN_KEY" --arg run "$run" --arg uid "$uid" --argjson plan "$4" '
    {apiVersion: "v1", kind: "ConfigMap",
     metadata: {name: $name, namespace: $ns, labels: {($key): $run},
                ownerReferences: [{apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", name: $run, uid: $uid}]},
     data: {nodes: ($plan | join("\n"))}}' >"$WORK_DIR/plan.json"
  if [[ -z $(get_optional configmap "$name" -n "$ns") ]]; then
    retry kc create -f "$WORK_DIR/plan.json" >/dev/null
  else
    # select-nodes ran again (a retry): the loop follows its new output, so does the plan.
    jq -c '{data}' "$WORK_DIR/plan.json" >"$WORK_DIR/plan-patch.json"
    retry kc patch configmap "$name" -n "$ns" --type merge --patch-file "$WORK_DIR/plan-patch.json" >/dev/null
  fi
  log "plan: kept in ConfigMap $ns/$name"
}

# loop_items PLAN-JSON: what the per-node loop iterates. Node names while the Workflow has room for
# them in every loop entry (NAMED_LOOP_MAX_NODES); past that "#I", the node's index in the plan,
# which upgrade-node.sh reads back from the plan ConfigMap (docs/workflow.md, "Scale").
loop_items() {
  jq -c --argjson max "$NAMED_LOOP_MAX_NODES" 'if length <= $max then . else [range(length) | "#\(.)"] end' <<<"$1"
}

# read_plan NAMESPACE RUN FILE: the run's planned nodes as a JSON list in FILE ([] when there is no plan).
read_plan() {
  local json
  json=$(get_optional configmap "$PLAN_PREFIX$2" -n "$1")
  jq -c --arg re "$NODE_NAME_RE" '.data.nodes // "" | split("\n") | map(select(. != ""))
    | if all(.[]; test($re)) then . else error("not a list of node names") end' <<<"${json:-"{}"}" >"$3" ||
    die "plan ConfigMap $1/$PLAN_PREFIX$2 holds something that is not a list of node names"
}

# ---- Helm

# chart_version CHART-FIELD: "kata-deploy-3.29.0" -> "3.29.0"; fails for another chart.
chart_version() {
  [[ $1 == kata-deploy-* ]] || return 1
  printf '%s\n' "${1#kata-deploy-}"
}

# release_head RELEASE NAMESPACE: "REVISION STATUS CHART" of the release's latest revision, or
# nothing when there is no such release. `helm history --max 1` means the same in Helm 3 and 4
# (`helm list --all` is gone in Helm 4, and Helm 3 without it hides failed and pending releases).
release_head() {
  local out rc=0 err="$WORK_DIR/history.err"
  out=$(retry helm history "$1" -n "$2" --max 1 -o json 2>"$err") || rc=$?
  if (( rc != 0 )); then
    is_not_found "$(<"$err")" && return 0
    cat "$err" >&2
    return "$rc"
  fi
  jq -r '.[-1] // {} | "\(.revision // "") \(.status // "") \(.chart // "")"' <<<"$out"
}

# stage_values RELEASE NAMESPACE REVISION FILE: the user's values of REVISION, with the DaemonSet
# OnDelete (and no rollingUpdate) and kata-deploy's own verification hook off, as the values file
# of stage's `helm upgrade --reset-values`. (`--reset-then-reuse-values --set
# updateStrategy.rollingUpdate=null` does not remove it: when the old values have the key, Helm's
# CoalesceTables drops the null and the chart's default rollingUpdate comes back.) The same rule as
# plan's StagedChanges.StageValues: both pass tests/cases/stage-values.json.
stage_values() {
  retry helm get values "$1" -n "$2" --revision "$3" -o json |
    jq 'def as_map: if type == "object" then . else {} end;
      (. // {}) | .updateStrategy = ((.updateStrategy | as_map) + {type: "OnDelete", rollingUpdate: null})
      | .verification = ((.verification | as_map) + {pod: ""})' >"$4"
}

# stage_upgrade RELEASE CHART VERSION NAMESPACE VALUES-FILE [FLAG...]: THE helm upgrade of stage;
# preflight runs the same with --dry-run=server. No --wait, and no flag that only one of Helm 3
# and Helm 4 knows.
stage_upgrade() {
  helm upgrade "$1" "$2" --version "$3" -n "$4" --reset-values -f "$5" "${@:6}"
}

# can_i VERB RESOURCE NAMESPACE: the workflow's ServiceAccount may (kubectl auth can-i).
can_i() {
  local answer
  answer=$(retry kc auth can-i "$1" "$2" -n "$3" 2>"$WORK_DIR/can-i.err") || true
  [[ $answer == yes ]] && return 0
  [[ $answer == no ]] && return 1
  die "kubectl auth can-i $1 $2 -n $3 failed: $(head -n 1 "$WORK_DIR/can-i.err")"
}

# ---- the verification pod: its rules and their one-line refusals are verification-pod-rules.json
# beside this file (kata-argo and the chart read the same file; docs/chart.md, "The verification pod").
readonly POD_RULES_FILE="$STEPS_DIR/verification-pod-rules.json"
# jq: pod_rule($id; $value): rule ID's refusal for the verification-pod parameter, its value
# placeholder (if any) filled with $value. Needs --slurpfile rules "$POD_RULES_FILE".
# shellcheck disable=SC2016 # a jq program
readonly JQ_POD_RULE='
  def pod_rule($id; $value):
    $rules[0] as $r
    | reduce (($r.places.parameter | to_entries[]),
              ($r.placeholders | keys[] | select(. != "name" and . != "pass") | {key: ., value: ($value | tostring)})) as $e
        (first($r.rules[] | select(.id == $id)).message // error("no rule \($id)"); split("{\($e.key)}") | join($e.value));'

# pod_rule ID [VALUE]: the rule's one-line refusal of the verification-pod parameter.
pod_rule() {
  jq -rn --slurpfile rules "$POD_RULES_FILE" --arg id "$1" --arg value "${2-}" "$JQ_POD_RULE pod_rule(\$id; \$value)"
}

# verification_pod_json BASE64: the decoded manifest as the JSON of its single object, read by
# kubectl's own YAML reader; dies with the rule's line when it cannot be read or is not one object.
verification_pod_json() {
  local file="$WORK_DIR/verification-pod.yaml" err="$WORK_DIR/convert.err" out objects
  base64 -d >"$file" 2>/dev/null <<<"$1" || die "$(pod_rule not-base64)"
  if ! out=$(retry kc create --dry-run=client -o json -f "$file" 2>"$err"); then
    # kubectl's line for a file without objects (only comments, null documents or an empty List)
    ! grep -q '^error: no objects passed to' "$err" || die "$(pod_rule count 0)"
    die "$(pod_rule unreadable "$({ grep -m 1 '^error: ' "$err" || head -n 1 "$err"; } | sed 's/^error: //')")"
  fi
  objects=$(jq -cs '[.[] | if .kind == "List" then .items[] else . end] | if length == 1 then .[0] else length end' <<<"$out") ||
    die "verification-pod: kubectl printed something that is not JSON"
  [[ $objects == "{"* ]] || die "$(pod_rule count "$objects")"
  printf '%s\n' "$objects"
}

# The verification pod's name: unique per node and run, a valid DNS subdomain.
test_pod_name() {
  local run=$1 node=${2:0:40} hash
  while [[ $node == *[-.] ]]; do node=${node%?}; done
  hash=$(printf '%s\n%s' "$run" "$2" | sha256sum)
  printf 'kata-verify-%s-%s\n' "$node" "${hash:0:10}"
}

# ---- the rollout record (one per release, across runs)
# shellcheck source-path=SCRIPTDIR source=rollout.sh
source "$STEPS_DIR/rollout.sh"
