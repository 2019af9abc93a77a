# shellcheck shell=bash
# The rollout record: one ConfigMap per kata-deploy release, never owned by a Workflow, that
# holds what a rollout across several runs (canary, then the rest) needs to finish or to roll
# back exactly (README.md, "The rollout record"; docs/workflow.md, "The rollout"). Sourced by
# lib.sh; uses its retry, kc, get_optional, check_value and die.

# shellcheck disable=SC2034 # each step uses some of these
readonly \
  ROLLOUT_KEY=katacontainers.io/kata-lifecycle-manager-rollout \
  ROLLOUT_PREFIX=kata-lifecycle-rollout. \
  ROLLOUT_OPEN_PHASES="staged finishing rolling-back"

# rollout_name HELM-NAMESPACE RELEASE: the record's name (a DNS subdomain: the dots separate
# two DNS labels, so no two releases share a name).
rollout_name() { printf '%s%s.%s\n' "$ROLLOUT_PREFIX" "$1" "$2"; }

# rollout_get NAMESPACE HELM-NAMESPACE RELEASE: the record's JSON, or nothing.
rollout_get() { get_optional configmap "$(rollout_name "$2" "$3")" -n "$1"; }

# rollout_find NAMESPACE RUN: the JSON of the record of the rollout RUN opened or took part in,
# or nothing. A run is in at most one rollout (its runs list).
rollout_find() {
  local found count
  found=$(retry kc get configmaps -n "$1" -l "$ROLLOUT_KEY" -o json | jq -c --arg run "$2" '
    [.items[] | select(.data.rollout == $run or ((.data.runs // "") | split("\n") | index([$run])) != null)]')
  count=$(jq length <<<"$found")
  (( count <= 1 )) || die "run $2 is named by $count rollout records in namespace $1 ($(jq -r 'map(.metadata.name) | join(", ")' <<<"$found")); a run belongs to one rollout: check them with kubectl get configmaps -n $1 -l $ROLLOUT_KEY"
  (( count == 0 )) || jq -c '.[0]' <<<"$found"
}

# json_object NAME VALUE: VALUE is exactly one JSON object (a jq -e over the text would judge only
# the last of several values, e.g. '5 {}').
json_object() {
  [[ $(jq -cs 'if length == 1 and (.[0] | type) == "object" then "ok" else "no" end' 2>/dev/null <<<"$2") == '"ok"' ]] ||
    die "$1: '$2' is not one JSON object"
}

# rollout_load RECORD-JSON: validates every field of the record on its own (anyone with ConfigMap
# rights could edit it) and sets RO_NAME RO_ID RO_RELEASE RO_NAMESPACE RO_CHART RO_DAEMONSET
# RO_PRE_REVISION RO_PRE_VERSION RO_PRE_STRATEGY RO_TARGET RO_STAGED RO_PHASE RO_RUNS (one run a
# line) RO_DRAIN RO_DRAIN_TIMEOUT RO_VNS RO_ROLLBACK_REVISION RO_FINISH_REVISIONS (one a line).
rollout_load() {
  local json=$1 field value name
  RO_NAME=$(jq -r '.metadata.name // ""' <<<"$json")
  name="rollout record $RO_NAME"
  for field in rollout release namespace chart daemonset pre-rollout-revision pre-rollout-version \
    pre-rollout-update-strategy target-version staged-revision phase runs drain drain-timeout \
    verification-namespace rollback-revision finish-revisions; do
    value=$(jq -r --arg f "$field" '.data[$f] // "" | tostring' <<<"$json")
    case $field in
      rollout) check_value run "$name rollout" "$value"; [[ -n $value ]] || die "$name: rollout is empty"; RO_ID=$value ;;
      release) check_value release "$name release" "$value"; RO_RELEASE=$value ;;
      namespace) check_value namespace "$name namespace" "$value"; RO_NAMESPACE=$value ;;
      chart) check_value chart "$name chart" "$value"; RO_CHART=$value ;;
      daemonset) RO_DAEMONSET=$value; input_daemonset RO_DAEMONSET "$name daemonset" ;;
      pre-rollout-revision) RO_PRE_REVISION=$value; input_revision RO_PRE_REVISION "$name pre-rollout-revision" ;;
      pre-rollout-version) check_value version "$name pre-rollout-version" "$value"; RO_PRE_VERSION=$value ;;
      pre-rollout-update-strategy) json_object "$name pre-rollout-update-strategy" "$value"; RO_PRE_STRATEGY=$value ;;
      target-version) check_value version "$name target-version" "$value"; RO_TARGET=$value ;;
      staged-revision)
        RO_STAGED=$value
        [[ -z $value ]] || input_revision RO_STAGED "$name staged-revision" ;;
      phase)
        case $value in
          staged | finishing | completed | rolling-back | rolled-back) RO_PHASE=$value ;;
          *) die "$name: phase '$value' is not staged, finishing, completed, rolling-back or rolled-back" ;;
        esac ;;
      runs)
        [[ -n $value ]] || die "$name: runs is empty; it lists the workflow names of the rollout, one a line"
        local run
        while IFS= read -r run; do
          [[ -n $run ]] || die "$name: runs has an empty line"
          check_value run "$name runs" "$run"
        done <<<"$value"
        RO_RUNS=$value ;;
      drain) check_value boolean "$name drain" "$value"; RO_DRAIN=$value ;;
      drain-timeout) check_value duration:7200 "$name drain-timeout" "$value"; RO_DRAIN_TIMEOUT=$value ;;
      verification-namespace) check_value namespace "$name verification-namespace" "$value"; RO_VNS=$value ;;
      rollback-revision)
        RO_ROLLBACK_REVISION=$value
        [[ -z $value ]] || input_revision RO_ROLLBACK_REVISION "$name rollback-revision" ;;
      finish-revisions)
        [[ -z $value || $value =~ ^[1-9][0-9]{0,8}($'\n'[1-9][0-9]{0,8})*$ ]] ||
          die "$name: finish-revisions '$value' is not a list of Helm revision numbers, one a line"
        RO_FINISH_REVISIONS=$value ;;
    esac
  done
  [[ $RO_NAME == "$(rollout_name "$RO_NAMESPACE" "$RO_RELEASE")" ]] ||
    die "$name: its name does not match its release $RO_NAMESPACE/$RO_RELEASE"
}

rollout_is_open() { [[ " $ROLLOUT_OPEN_PHASES " == *" $RO_PHASE "* ]]; }

rollout_has_run() { grep -qxF -- "$1" <<<"$RO_RUNS"; }

# rollout_knows REVISION: a revision this rollout made (stage, a finish, the rollback's upgrade).
rollout_knows() {
  [[ -n $1 ]] || return 1
  [[ $1 == "$RO_STAGED" || $1 == "$RO_ROLLBACK_REVISION" ]] && return 0
  [[ -n $RO_FINISH_REVISIONS ]] && grep -qxF -- "$1" <<<"$RO_FINISH_REVISIONS"
}

# rollout_set NAMESPACE KEY VALUE...: merges keys into the loaded record's data.
rollout_set() {
  local ns=$1 patch
  shift
  patch=$(jq -cn '$ARGS.positional as $a
    | {data: (reduce range(0; $a | length; 2) as $i ({}; .[$a[$i]] = $a[$i + 1]))}' --args "$@")
  retry kc patch configmap "$RO_NAME" -n "$ns" --type merge -p "$patch" >/dev/null
}

# rollout_progress PODS-FILE (daemonset_pods) HASH: "N node(s) done, M left" among the kata-deploy
# nodes: done, those whose pod runs the DaemonSet's updated (staged) revision HASH (as plan counts).
rollout_progress() {
  jq -r --arg h "$2" '
    (map(.node) | unique) as $k | (map(select(.hash == $h) | .node) | unique | length) as $done
    | "\($done) node(s) done, \(($k | length) - $done) left"' "$1"
}

# The commands that finish or roll back the open rollout.
rollout_finish_command() {
  printf 'argo submit --from workflowtemplate/kata-lifecycle-manager -p target-version=%s -p helm-release=%s -p helm-namespace=%s ...\n' \
    "$RO_TARGET" "$RO_RELEASE" "$RO_NAMESPACE"
}
rollout_recover_command() {
  printf 'argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=%s\n' "$RO_ID"
}

# release_pending_check RELEASE NAMESPACE STATUS: dies naming the command that clears a release a
# killed Helm left pending-install/-upgrade/-rollback. `helm rollback` does not refuse a pending
# release (Helm 3 and 4 pkg/action/rollback.go check no status; helm/helm#4558, #8987), and to the
# last deployed revision it changes nothing but the stuck record.
release_pending_check() {
  [[ $3 == pending-* ]] || return 0
  local deployed
  deployed=$(retry helm history "$1" -n "$2" -o json | jq -r '[.[] | select(.status == "deployed" or .status == "superseded")] | max_by(.revision) | .revision // ""')
  if [[ -n $deployed ]]; then
    die "helm-release: release $2/$1 is '$3': a Helm operation was interrupted and Helm refuses any other until it is cleared; clear it with: helm rollback $1 $deployed -n $2 (the last deployed revision; check helm history $1 -n $2), then submit again"
  fi
  die "helm-release: release $2/$1 is '$3' and has no deployed revision to go back to; check helm history $1 -n $2"
}

# release_deployed_check RELEASE NAMESPACE STATUS (after rollout_preflight): dies unless the release
# is deployed or the run continues the open rollout (whose failed finish it may finish again).
release_deployed_check() {
  [[ $3 == deployed || $ROLLOUT_CONTINUES == true ]] ||
    die "helm-release: release $2/$1 is '$3', not 'deployed'; finish or roll back the pending operation first (helm history $1 -n $2)"
}

# rollout_preflight NAMESPACE REVISION STATUS: refuses a run the open rollout of this release does
# not allow (docs/workflow.md, "The rollout"; plan's RolloutRules.Judge passes the same
# tests/cases/rollout-preflight.json); sets ROLLOUT_CONTINUES=true when the run continues
# it (RO_* loaded), false when the run opens a new rollout. Changes nothing.
rollout_preflight() {
  local ns=$1 revision=$2 status=$3 json nodes open_id="" closed_id="" others half
  ROLLOUT_CONTINUES=false
  json=$(rollout_get "$ns" "$HELM_NAMESPACE" "$HELM_RELEASE")
  nodes=$(retry kc get nodes -o json)
  if [[ -n $json ]]; then
    rollout_load "$json"
    if rollout_is_open; then open_id=$RO_ID; else closed_id=$RO_ID; fi
  fi
  if [[ -n $open_id ]]; then
    [[ $RO_PHASE != rolling-back ]] ||
      die "helm-release: rollout $RO_ID of $RO_NAMESPACE/$RO_RELEASE (kata-deploy $RO_PRE_VERSION -> $RO_TARGET) is rolling back; finish the rollback first: $(rollout_recover_command)"
    if [[ $RO_TARGET != "$TARGET_VERSION" ]]; then
      load_daemonset "$RO_NAMESPACE" "$RO_DAEMONSET"
      daemonset_pods "$RO_NAMESPACE" >"$WORK_DIR/rollout-pods.json"
      die "target-version: rollout $RO_ID of $RO_NAMESPACE/$RO_RELEASE to $RO_TARGET is open ($(rollout_progress "$WORK_DIR/rollout-pods.json" "$(updated_revision "$RO_NAMESPACE" "$RO_DAEMONSET")")); nothing was changed. Finish it: $(rollout_finish_command) or roll it back: $(rollout_recover_command)"
    fi
    rollout_knows "$revision" ||
      die "helm-release: $RO_NAMESPACE/$RO_RELEASE is revision $revision, which rollout $RO_ID did not make (it staged revision ${RO_STAGED:-none}); someone changed the release during the rollout: check helm history $RO_RELEASE -n $RO_NAMESPACE, restore revision ${RO_STAGED:-$RO_PRE_REVISION} with helm rollback if the change was a mistake, then submit again"
    [[ $status == deployed || ( $status == failed && $RO_PHASE == finishing && $revision != "$RO_STAGED" ) ]] ||
      die "helm-release: release $RO_NAMESPACE/$RO_RELEASE is '$status' at revision $revision; check helm history $RO_RELEASE -n $RO_NAMESPACE"
    half=$(jq -r --arg k "$ROLLOUT_KEY" --arg id "$RO_ID" --arg st "$STATUS_KEY" --arg rk "$RUN_KEY" '
      [.items[] | select(.metadata.labels[$k] == $id and (.metadata.annotations[$st] // "") != "completed")
       | "\(.metadata.name) (\(.metadata.annotations[$st] // "no status"), run \(.metadata.labels[$rk] // "none"))"] | join(", ")' <<<"$nodes")
    [[ -z $half ]] ||
      die "helm-release: node(s) $half of rollout $RO_ID were left half done by a run that did not finish; roll the rollout back: $(rollout_recover_command)"
    ROLLOUT_CONTINUES=true
  fi
  others=$(jq -r --arg k "$ROLLOUT_KEY" --arg open "$open_id" --arg closed "$closed_id" '
    [.items[] | select(.metadata.labels[$k] != null and .metadata.labels[$k] != $open and .metadata.labels[$k] != $closed)
     | "\(.metadata.name) (rollout \(.metadata.labels[$k]))"] | join(", ")' <<<"$nodes")
  [[ -z $others ]] ||
    die "nodes: $others carry the label of another rollout ($ROLLOUT_KEY); finish or roll back that rollout first (argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=ROLLOUT)"
  # The exit handler's pod keeps off the rollout's nodes: some schedulable node must be left for it.
  [[ $(jq --arg k "$ROLLOUT_KEY" '[.items[] | select((.spec.unschedulable // false) | not) | select(.metadata.labels[$k] == null)] | length' <<<"$nodes") != 0 ]] ||
    log "warning: every schedulable node carries a rollout label ($ROLLOUT_KEY); the exit handler's pod, which keeps off them, would find no node"
  if [[ $ROLLOUT_CONTINUES == true ]]; then
    log "preflight: continuing rollout $RO_ID (phase $RO_PHASE, runs: ${RO_RUNS//$'\n'/, }): kata-deploy $RO_PRE_VERSION -> $RO_TARGET, pre-rollout revision $RO_PRE_REVISION; the release is not upgraded again"
  fi
}

# rollout_open NAMESPACE: writes the record of the rollout this run opens (phase staged), before
# stage's upgrade; a completed or rolled-back record of the release is replaced. Uses stage's inputs.
rollout_open() {
  local name
  name=$(rollout_name "$HELM_NAMESPACE" "$HELM_RELEASE")
  jq -n --arg name "$name" --arg ns "$1" --arg key "$ROLLOUT_KEY" --arg run "$RUN" \
    --arg release "$HELM_RELEASE" --arg namespace "$HELM_NAMESPACE" --arg chart "$KATA_DEPLOY_CHART" \
    --arg daemonset "$DAEMONSET" --arg revision "$RELEASE_REVISION" --arg from "$FROM_VERSION" \
    --arg strategy "$UPDATE_STRATEGY" --arg target "$TARGET_VERSION" --arg drain "$DRAIN_ENABLED" \
    --arg timeout "$DRAIN_TIMEOUT" --arg vns "$VERIFICATION_NAMESPACE" '
    {apiVersion: "v1", kind: "ConfigMap", metadata: {name: $name, namespace: $ns, labels: {($key): $run}},
     data: {rollout: $run, release: $release, namespace: $namespace, chart: $chart, daemonset: $daemonset,
            "pre-rollout-revision": $revision, "pre-rollout-version": $from, "pre-rollout-update-strategy": $strategy,
            "target-version": $target, "staged-revision": "", phase: "staged", runs: $run, drain: $drain,
            "drain-timeout": $timeout, "verification-namespace": $vns, "rollback-revision": "", "finish-revisions": ""}}' \
    >"$WORK_DIR/rollout.json"
  if [[ -z $(get_optional configmap "$name" -n "$1") ]]; then
    retry kc create -f "$WORK_DIR/rollout.json" >/dev/null
  else
    jq -c '{metadata: {labels: .metadata.labels}, data}' "$WORK_DIR/rollout.json" >"$WORK_DIR/rollout-patch.json"
    retry kc patch configmap "$name" -n "$1" --type merge --patch-file "$WORK_DIR/rollout-patch.json" >/dev/null
  fi
  rollout_load "$(<"$WORK_DIR/rollout.json")"
  log "stage: opened rollout $RUN in ConfigMap $1/$name (pre-rollout revision $RELEASE_REVISION, kata-deploy $FROM_VERSION -> $TARGET_VERSION)"
}
