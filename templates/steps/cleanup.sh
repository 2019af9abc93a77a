#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# The exit handler (MODE=exit), `recover` (MODE=recover, -p run=NAME) and `rollback-node`
# (MODE=node, -p node-name=NODE). After a success it only removes the run labels; otherwise it
# rolls the whole rollout back as its record says (docs/workflow.md, "The rollout"): the release
# to the pre-rollout chart with OnDelete, every node the rollout upgraded one at a time (cordon,
# drain, recycle, uncordon), then `helm rollback` to the exact pre-rollout revision. Idempotent.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

MODE=${MODE-}
case $MODE in
  exit | recover | node) ;;
  *) die "mode: '$MODE' is not exit, recover or node" ;;
esac
input WORKFLOW_NAMESPACE namespace workflow-namespace
input RECYCLE_TIMEOUT duration:3600 recycle-timeout
timeout=$(duration_seconds "$RECYCLE_TIMEOUT")
input RUN run run
input NODE_NAME node node-name
WORKFLOW_STATUS=${WORKFLOW_STATUS-}
[[ -z $WORKFLOW_STATUS || $WORKFLOW_STATUS =~ ^[A-Za-z]{1,32}$ ]] ||
  die "workflow-status: '$WORKFLOW_STATUS' is not a workflow status such as Succeeded or Failed"
case $MODE in
  exit)
    require RUN run "the exit handler gets the workflow's name"
    require WORKFLOW_STATUS workflow-status "the exit handler passes the workflow's status" ;;
  recover)
    require RUN run "name the run to recover: -p run=NAME (argo list shows it)" ;;
  node)
    require NODE_NAME node-name "name the node to roll back: -p node-name=NODE"
    # The node's rollout (its label stays after its run ended), else the run that touched it.
    RUN=$(retry kc get node "$NODE_NAME" -o json | jq -r --arg r "$ROLLOUT_KEY" --arg k "$RUN_KEY" '.metadata.labels[$r] // .metadata.labels[$k] // ""')
    [[ -n $RUN ]] ||
      die "node-name: $NODE_NAME is not labelled by a rollout ($ROLLOUT_KEY) or a run ($RUN_KEY), so no rollout left it half done; to go back to an older version, run upgrade-all-nodes with that target-version"
    input RUN run "$ROLLOUT_KEY label of $NODE_NAME" ;;
esac

rollout_json=$(rollout_find "$WORKFLOW_NAMESPACE" "$RUN")
labelled=$(retry kc get nodes -l "$RUN_KEY=$RUN" -o json | jq -c '[.items[].metadata.name] | sort')
# The scheduling marker of the node the run would have done next goes, whatever the run's end.
for node in $(retry kc get nodes -l "$NEXT_KEY=$RUN" -o json | jq -r '.items[].metadata.name'); do
  patch_node "$node" unlabel "$NEXT_KEY" ""
done

if [[ -z $rollout_json ]]; then
  if [[ $labelled == "[]" ]]; then
    log "cleanup: run $RUN staged nothing (no rollout record in $WORKFLOW_NAMESPACE names it); nothing to restore"
    log "summary of run $RUN: no node was touched"
    exit 0
  fi
  die "cleanup: nodes $(jq -r 'join(", ")' <<<"$labelled") carry the label of run $RUN, but no rollout record in $WORKFLOW_NAMESPACE names it (deleted?); without its pre-rollout revision nothing is restored: helm rollback the release to the revision before the rollout, then uncordon those nodes and remove the labels"
fi
rollout_load "$rollout_json"

# This run's record (while its Workflow exists) keeps the nodes it touched for the summary.
record_json=$(get_optional configmap "$(record_name "$RUN")" -n "$WORKFLOW_NAMESPACE")
jq -c --arg re "$NODE_NAME_RE" '.data["touched-nodes"] // "[]" | fromjson
  | if type == "array" and all(.[]; type == "string" and test($re)) then . else error("bad") end' \
  <<<"${record_json:-"{}"}" >"$WORK_DIR/recorded.json" 2>/dev/null ||
  die "run record: touched-nodes is not a JSON list of node names"
read_plan "$WORKFLOW_NAMESPACE" "$RUN" "$WORK_DIR/planned.json"
printf '%s\n' "$labelled" >"$WORK_DIR/labelled.json"
jq -cs '.[0] + .[1] | unique' "$WORK_DIR/recorded.json" "$WORK_DIR/labelled.json" >"$WORK_DIR/touched.json"
touched=$(<"$WORK_DIR/touched.json")
if [[ -n $record_json && $touched != "$(<"$WORK_DIR/recorded.json")" ]]; then
  record_set "$WORKFLOW_NAMESPACE" "$RUN" touched-nodes "$touched"
fi

print_summary() {
  local nodes
  nodes=$(retry kc get nodes -o json)
  log "summary of run $RUN (rollout $RO_ID $RO_PHASE, kata-deploy $RO_PRE_VERSION -> $RO_TARGET, release $RO_NAMESPACE/$RO_RELEASE):"
  jq -r --slurpfile touched "$WORK_DIR/touched.json" --slurpfile planned "$WORK_DIR/planned.json" \
    --arg st "$STATUS_KEY" --arg ver "$VERSION_KEY" --arg s "$STARTED_AT_KEY" --arg f "$FINISHED_AT_KEY" "$JQ_TOOK"'
    $touched[0] as $touched | $planned[0] as $planned
    | ($touched | map({key: ., value: true}) | from_entries) as $was_touched
    | (.items | map({key: .metadata.name, value: (.metadata.annotations // {})}) | from_entries) as $a
    | [["NODE", "STATUS", "VERSION", "DURATION"]]
      + [($touched + $planned | unique)[] as $n | ($a[$n] // {}) as $an
         | if $was_touched[$n] == null then [$n, "not reached", ($an[$ver] // "-"), "-"]
           else [$n, ($an[$st] // "-"), ($an[$ver] // "-"),
                 (try (($an[$f] | fromdateiso8601) - ($an[$s] | fromdateiso8601) | took) catch "-")] end]
    | (transpose | map(map(length) | max)) as $w
    | .[] | [to_entries[] | .value + " " * ($w[.key] - (.value | length) + 2)] | "  " + add | sub(" +$"; "")' <<<"$nodes" >&3
}

unlabel_run() {
  local node
  for node in $(jq -r '.[]' <<<"$labelled"); do
    patch_node "$node" unlabel "$RUN_KEY" ""
  done
}

# ---- nothing to roll back: a success, a completed or rolled-back rollout, a finish that failed
if [[ $MODE == exit && $WORKFLOW_STATUS == Succeeded ]]; then
  print_summary
  unlabel_run
  log "cleanup: run $RUN succeeded; removed its label from $(jq length <<<"$labelled") node(s); rollout $RO_ID is $RO_PHASE"
  exit 0
fi
case $RO_PHASE in
  completed)
    [[ $MODE != node ]] ||
      die "node-name: rollout $RO_ID completed, so its nodes are not rolled back one by one; to go back, run upgrade-all-nodes with target-version=$RO_PRE_VERSION"
    print_summary
    unlabel_run
    log "cleanup: rollout $RO_ID completed (kata-deploy $RO_TARGET on every node); nothing is rolled back; to go back, run upgrade-all-nodes with target-version=$RO_PRE_VERSION"
    exit 0 ;;
  rolled-back)
    print_summary
    unlabel_run
    log "cleanup: rollout $RO_ID is rolled back already (release $RO_NAMESPACE/$RO_RELEASE has the content of revision $RO_PRE_REVISION)"
    exit 0 ;;
  finishing)
    if [[ $MODE == exit ]]; then
      print_summary
      unlabel_run
      log "WARNING: every node of rollout $RO_ID runs kata-deploy $RO_TARGET and passed verification, but its finish did not complete; nothing is rolled back. Complete it by running the same target again: $(rollout_finish_command)"
      exit 0
    fi ;;
esac

# ---- roll the rollout back
case $MODE in
  exit) why="run $RUN ended $WORKFLOW_STATUS" ;;
  recover) why="recovering run $RUN" ;;
  node) why="rolling back node $NODE_NAME" ;;
esac

# ---- the release: it must be where this rollout left it (or already back), else nothing changes
history=$(retry helm history "$RO_RELEASE" -n "$RO_NAMESPACE" -o json)
{ read -r latest; read -r status; read -r chart; read -r pre_chart; } < <(jq -r --argjson rev "$RO_PRE_REVISION" '
  (max_by(.revision) // {}) as $l | (map(select(.revision == $rev))[0] // {}) as $r
  | ($l.revision // ""), ($l.status // ""), ($l.chart // ""), ($r.chart // "")' <<<"$history")
[[ -n $pre_chart ]] ||
  die "cleanup: pre-rollout revision $RO_PRE_REVISION of $RO_NAMESPACE/$RO_RELEASE is no longer in its history (helm history); restore the release by hand; nothing was changed"
release_pending_check "$RO_RELEASE" "$RO_NAMESPACE" "$status"

# The latest revision has the pre-rollout chart and values: the final helm rollback ran.
pre_content() {
  [[ $status == deployed && $chart == "$pre_chart" ]] || return 1
  retry helm get values "$RO_RELEASE" -n "$RO_NAMESPACE" --revision "$latest" -o json >"$WORK_DIR/latest.json"
  retry helm get values "$RO_RELEASE" -n "$RO_NAMESPACE" --revision "$RO_PRE_REVISION" -o json >"$WORK_DIR/wanted.json"
  jq -en --slurpfile a "$WORK_DIR/latest.json" --slurpfile b "$WORK_DIR/wanted.json" '($a[0] // {}) == ($b[0] // {})' >/dev/null
}
if [[ $latest == "$RO_PRE_REVISION" ]]; then release=untouched
elif rollout_knows "$latest"; then release=rollout
elif pre_content; then release=restored
else
  die "cleanup: release $RO_NAMESPACE/$RO_RELEASE is revision $latest ($chart, $status), which rollout $RO_ID did not make (staged ${RO_STAGED:-none}, rollback ${RO_ROLLBACK_REVISION:-none}); someone changed the release after the rollout began: check helm history $RO_RELEASE -n $RO_NAMESPACE; nothing was changed"
fi

if [[ $RO_PHASE != rolling-back ]]; then
  rollout_set "$WORKFLOW_NAMESPACE" phase rolling-back
  RO_PHASE=rolling-back
fi
log "cleanup: $why; rolling back rollout $RO_ID (kata-deploy $RO_TARGET -> $RO_PRE_VERSION, release $RO_NAMESPACE/$RO_RELEASE to revision $RO_PRE_REVISION)"
while IFS= read -r run; do
  retry kc delete pods -n "$RO_VNS" -l "$RUN_KEY=$run" --ignore-not-found --wait=false >"$WORK_DIR/deleted.out"
  while IFS= read -r line; do [[ -z $line ]] || log "cleanup: leftover verification $line"; done <"$WORK_DIR/deleted.out"
done <<<"$RO_RUNS"

# The pre-rollout chart with the pre-rollout values and OnDelete: the DaemonSet's template goes
# back, and no pod restarts until this script recycles its node.
if [[ $release == rollout && ! ( $latest == "$RO_ROLLBACK_REVISION" && $status == deployed ) ]]; then
  stage_values "$RO_RELEASE" "$RO_NAMESPACE" "$RO_PRE_REVISION" "$WORK_DIR/rollback-values.json"
  log "cleanup: helm upgrade $RO_RELEASE to $RO_CHART $RO_PRE_VERSION with the values of revision $RO_PRE_REVISION and updateStrategy OnDelete (no kata-deploy pod restarts)"
  if ! retry stage_upgrade "$RO_RELEASE" "$RO_CHART" "$RO_PRE_VERSION" "$RO_NAMESPACE" "$WORK_DIR/rollback-values.json" \
    >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
    while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
    read -r after _ <<<"$(release_head "$RO_RELEASE" "$RO_NAMESPACE")"
    [[ $after == "$latest" ]] || rollout_set "$WORKFLOW_NAMESPACE" rollback-revision "$after"
    die "cleanup: helm upgrade of $RO_NAMESPACE/$RO_RELEASE to $RO_PRE_VERSION failed (above); no node was changed; re-run: $(rollout_recover_command)"
  fi
  read -r RO_ROLLBACK_REVISION _ <<<"$(release_head "$RO_RELEASE" "$RO_NAMESPACE")"
  rollout_set "$WORKFLOW_NAMESPACE" rollback-revision "$RO_ROLLBACK_REVISION"
  log "cleanup: release $RO_NAMESPACE/$RO_RELEASE is revision $RO_ROLLBACK_REVISION (kata-deploy $RO_PRE_VERSION, OnDelete)"
fi
wait_daemonset_synced "$RO_NAMESPACE" "$RO_DAEMONSET" "$timeout"
if [[ $release == rollout ]]; then
  jq -e '.type == "OnDelete"' >/dev/null <<<"$DS_STRATEGY" ||
    die "cleanup: DaemonSet $RO_NAMESPACE/$RO_DAEMONSET has updateStrategy $DS_STRATEGY, not OnDelete; not recycling nodes under it"
fi
hash=$(updated_revision "$RO_NAMESPACE" "$RO_DAEMONSET")

# ---- the nodes, one at a time: the rollout's, this run's, and any other running another revision
if [[ $MODE == node ]]; then
  targets=$(jq -cn --arg n "$NODE_NAME" '[$n]')
else
  rollout_nodes=$(retry kc get nodes -l "$ROLLOUT_KEY=$RO_ID" -o json | jq -c '[.items[].metadata.name]')
  stale=$(daemonset_pods "$RO_NAMESPACE" | jq -c --arg h "$hash" '[.[] | select(.hash != $h) | .node | select(. != "")]')
  targets=$(jq -cn --argjson a "$rollout_nodes" --argjson b "$labelled" --argjson c "$stale" '$a + $b + $c | unique')
fi
log "cleanup: node(s) to restore, one at a time: $(jq -r 'if length == 0 then "none" else join(", ") end' <<<"$targets")"

restore_node() {
  local node=$1 json was unschedulable stale how changes
  json=$(retry kc get node "$node" -o json)
  { read -r was; read -r unschedulable; } < <(jq -r --arg k "$WAS_UNSCHEDULABLE_KEY" \
    '(.metadata.annotations[$k] // ""), (.spec.unschedulable // false)' <<<"$json")
  stale=$(daemonset_pods "$RO_NAMESPACE" "$node" | jq -r --arg h "$hash" 'any(.[]; .hash != $h or (.ready | not) or .deleting)')
  if [[ $stale == true ]]; then
    [[ ${KATA_POD_NODE-} != "$node" ]] ||
      die "$node: this pod runs on the node it would recycle, whose container runtime restarts; re-run: $(rollout_recover_command)"
    if [[ -z $was ]]; then was=$unschedulable; patch_node "$node" annotation "$WAS_UNSCHEDULABLE_KEY" "$was"; fi
    [[ $unschedulable == true ]] || set_status "$node" cordoned unschedulable "" true
    export NODE=$node DAEMONSET=$RO_DAEMONSET HELM_NAMESPACE=$RO_NAMESPACE RECYCLE_TIMEOUT DRAIN_TIMEOUT=$RO_DRAIN_TIMEOUT \
      TARGET_VERSION=$RO_PRE_VERSION
    [[ $RO_DRAIN != true ]] || run_phase "$node" drain "$(( $(duration_seconds "$RO_DRAIN_TIMEOUT") + PHASE_MARGIN_SECONDS ))"
    run_phase "$node" recycle "$(( 2 * timeout + PHASE_MARGIN_SECONDS ))"
  else
    log "$node: kata-deploy runs revision $hash already; nothing to recycle"
  fi
  changes=(both "$VERSION_KEY" "$RO_PRE_VERSION" annotation "$FINISHED_AT_KEY" "$(now_utc)" unlabel "$RUN_KEY" "" unlabel "$ROLLOUT_KEY" "")
  case $was in
    false) how="uncordoned"; changes+=(unschedulable "" false) ;;
    true) how="left cordoned (it was unschedulable before the rollout)" ;;
    *) how="left cordoned (no $WAS_UNSCHEDULABLE_KEY annotation, so its earlier state is unknown)" ;;
  esac
  set_status "$node" rolled-back "${changes[@]}"
  log "$node: rolled back to kata-deploy $RO_PRE_VERSION; $how"
}

failed=()
for node in $(jq -r '.[]' <<<"$targets"); do
  set +e
  (set -e; restore_node "$node")
  rc=$?
  set -e
  if (( rc != 0 )); then
    failed+=("$node")
    set_status "$node" failed || true
    log "$node: NOT restored; it keeps its labels"
    # One at a time, stopping at the first failure: the next node's pod is not touched.
    break
  fi
done

if (( ${#failed[@]} > 0 )); then
  print_summary
  die "cleanup: could not restore ${failed[*]} (see above); fix the cause, then re-run: $(rollout_recover_command)"
fi
remaining=$(retry kc get nodes -l "$ROLLOUT_KEY=$RO_ID" -o json | jq -r '[.items[].metadata.name] | sort | join(", ")')
stale=$(daemonset_pods "$RO_NAMESPACE" | jq -r --arg h "$hash" '[.[] | select(.hash != $h) | .node] | unique | join(", ")')
if [[ -n $remaining || -n $stale ]]; then
  print_summary
  log "cleanup: node(s) ${remaining:-$stale} of rollout $RO_ID are not restored yet; the release stays on OnDelete; restore them with: $(rollout_recover_command)"
  exit 0
fi

# ---- every pod runs the pre-rollout template: the exact pre-rollout revision restarts nothing
if [[ $release == rollout ]]; then
  log "cleanup: helm rollback $RO_RELEASE $RO_PRE_REVISION: the exact pre-rollout values and update strategy ($RO_PRE_STRATEGY)"
  if ! retry helm rollback "$RO_RELEASE" "$RO_PRE_REVISION" -n "$RO_NAMESPACE" >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
    while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
    die "cleanup: helm rollback $RO_RELEASE $RO_PRE_REVISION -n $RO_NAMESPACE failed (above); every node is back, the DaemonSet stays OnDelete; re-run: $(rollout_recover_command)"
  fi
  wait_daemonset_synced "$RO_NAMESPACE" "$RO_DAEMONSET" "$timeout"
  after=$(updated_revision "$RO_NAMESPACE" "$RO_DAEMONSET")
  [[ $after == "$hash" ]] ||
    log "warning: the pre-rollout revision has another pod template (revision $hash -> $after); kata-deploy pods follow its update strategy"
fi
rollout_set "$WORKFLOW_NAMESPACE" phase rolled-back
RO_PHASE=rolled-back
if [[ -n $record_json ]]; then record_set "$WORKFLOW_NAMESPACE" "$RUN" phase rolled-back; fi
print_summary
log "cleanup: rollout $RO_ID rolled back: release $RO_NAMESPACE/$RO_RELEASE has the content of revision $RO_PRE_REVISION ($pre_chart)"
