#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# The exit handler (MODE=exit), `recover` (MODE=recover, -p run=NAME) and `rollback-node`
# (MODE=node, -p node-name=NODE). After a success it only removes the run labels; otherwise it
# restores what the run record says the run changed: the release to the exact pre-upgrade
# revision, then each touched node's kata-deploy pod, schedulability and status. Idempotent.
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
    RUN=$(retry kc get node "$NODE_NAME" -o json | jq -r --arg k "$RUN_KEY" '.metadata.labels[$k] // ""')
    [[ -n $RUN ]] ||
      die "node-name: $NODE_NAME is not labelled by a run ($RUN_KEY), so no run left it half done; to go back to an older version, run upgrade-all-nodes with that target-version"
    input RUN run "$RUN_KEY label of $NODE_NAME" ;;
esac

record_json=$(get_optional configmap "$(record_name "$RUN")" -n "$WORKFLOW_NAMESPACE")
labelled=$(retry kc get nodes -l "$RUN_KEY=$RUN" -o json | jq -c '[.items[].metadata.name] | sort')
# The scheduling marker of the node the run would have done next goes, whatever the run's end.
for node in $(retry kc get nodes -l "$NEXT_KEY=$RUN" -o json | jq -r '.items[].metadata.name'); do
  patch_node "$node" unlabel "$NEXT_KEY" ""
done

if [[ -z $record_json ]]; then
  if [[ $labelled == "[]" ]]; then
    log "cleanup: run $RUN staged nothing (no run record $WORKFLOW_NAMESPACE/$(record_name "$RUN")); nothing to restore"
    log "summary of run $RUN: no node was touched"
    exit 0
  fi
  die "cleanup: nodes $(jq -r 'join(", ")' <<<"$labelled") carry the label of run $RUN, but its run record $WORKFLOW_NAMESPACE/$(record_name "$RUN") is gone (Workflow deleted?); without its pre-upgrade revision nothing is restored: helm rollback the release to the revision before the run, then uncordon those nodes and remove the label"
fi

{
  read -r R_RELEASE; read -r R_NAMESPACE; read -r R_REVISION; read -r R_FROM; read -r R_TARGET
  read -r R_DAEMONSET; read -r R_VNS; read -r R_PHASE
} < <(jq -r '.data // {} | (.release, .namespace, .revision, .["from-version"], .["target-version"], .daemonset,
  .["verification-namespace"], .phase | . // "")' <<<"$record_json")
# The record is data anyone with ConfigMap rights could edit: validate it like parameters.
check_value release "run record release" "$R_RELEASE"
check_value namespace "run record namespace" "$R_NAMESPACE"
input_revision R_REVISION "run record revision"
check_value version "run record from-version" "$R_FROM"
check_value version "run record target-version" "$R_TARGET"
input_daemonset R_DAEMONSET "run record daemonset"
check_value namespace "run record verification-namespace" "$R_VNS"
# Node lists travel in files: thousands of names fit no argument.
jq -c --arg re "$NODE_NAME_RE" '.data["touched-nodes"] // "[]" | fromjson
  | if type == "array" and all(.[]; type == "string" and test($re)) then . else error("bad") end' \
  <<<"$record_json" >"$WORK_DIR/recorded.json" 2>/dev/null ||
  die "run record: touched-nodes is not a JSON list of node names"
read_plan "$WORKFLOW_NAMESPACE" "$RUN" "$WORK_DIR/planned.json"
printf '%s\n' "$labelled" >"$WORK_DIR/labelled.json"

# Every node this run ever touched, kept in the record before the labels go.
jq -cs '.[0] + .[1] | unique' "$WORK_DIR/recorded.json" "$WORK_DIR/labelled.json" >"$WORK_DIR/touched.json"
touched=$(<"$WORK_DIR/touched.json")
[[ $touched == "$(<"$WORK_DIR/recorded.json")" ]] || record_set "$WORKFLOW_NAMESPACE" "$RUN" touched-nodes "$touched"

print_summary() {
  local nodes
  nodes=$(retry kc get nodes -o json)
  log "summary of run $RUN (kata-deploy $R_FROM -> $R_TARGET, release $R_NAMESPACE/$R_RELEASE):"
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

# ---- after a success: the labels go, nothing is rolled back
if [[ $R_PHASE == succeeded || ( $MODE == exit && $WORKFLOW_STATUS == Succeeded ) ]]; then
  [[ $MODE != node ]] ||
    die "node-name: run $RUN succeeded, so its nodes are not rolled back one by one; to go back, run upgrade-all-nodes with target-version=$R_FROM"
  print_summary
  for node in $(jq -r '.[]' <<<"$labelled"); do
    patch_node "$node" unlabel "$RUN_KEY" ""
  done
  [[ $R_PHASE == succeeded ]] || record_set "$WORKFLOW_NAMESPACE" "$RUN" phase succeeded
  log "cleanup: run $RUN succeeded; removed its label from $(jq length <<<"$labelled") node(s)"
  exit 0
fi

# ---- otherwise: restore
rollback_release() {
  local history latest status chart wanted
  history=$(retry helm history "$R_RELEASE" -n "$R_NAMESPACE" -o json)
  { read -r latest; read -r status; read -r chart; read -r wanted; } < <(jq -r --argjson rev "$R_REVISION" '
    (max_by(.revision) // {}) as $l | (map(select(.revision == $rev))[0] // {}) as $r
    | ($l.revision // ""), ($l.status // ""), ($l.chart // ""), ($r.chart // "")' <<<"$history")
  [[ -n $wanted ]] ||
    die "cleanup: revision $R_REVISION of $R_NAMESPACE/$R_RELEASE is no longer in its history (helm history); restore the release by hand"
  if [[ $latest == "$R_REVISION" && $status == deployed ]]; then
    log "cleanup: release $R_NAMESPACE/$R_RELEASE is at revision $R_REVISION ($wanted) already; no rollback"
    return 0
  fi
  if [[ $status == deployed && $chart == "$wanted" ]]; then
    retry helm get values "$R_RELEASE" -n "$R_NAMESPACE" --revision "$latest" -o json >"$WORK_DIR/latest.json"
    retry helm get values "$R_RELEASE" -n "$R_NAMESPACE" --revision "$R_REVISION" -o json >"$WORK_DIR/wanted.json"
    if jq -en --slurpfile a "$WORK_DIR/latest.json" --slurpfile b "$WORK_DIR/wanted.json" '($a[0] // {}) == ($b[0] // {})' >/dev/null; then
      log "cleanup: release $R_NAMESPACE/$R_RELEASE revision $latest already has the content of revision $R_REVISION ($wanted); no rollback"
      return 0
    fi
  fi
  log "cleanup: helm rollback $R_RELEASE to revision $R_REVISION ($wanted), from revision $latest ($chart, $status)"
  if ! retry helm rollback "$R_RELEASE" "$R_REVISION" -n "$R_NAMESPACE" >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
    while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
    die "cleanup: helm rollback $R_RELEASE $R_REVISION -n $R_NAMESPACE failed (above); nodes keep their run label, re-run: recover -p run=$RUN"
  fi
  log "cleanup: release $R_NAMESPACE/$R_RELEASE rolled back to the content of revision $R_REVISION ($wanted)"
}

restore_node() {
  local node=$1 was how changes
  was=$(retry kc get node "$node" -o json | jq -r --arg k "$WAS_UNSCHEDULABLE_KEY" '.metadata.annotations[$k] // ""')
  recycle_node "$node" "$R_NAMESPACE" "$R_DAEMONSET" "$timeout"
  changes=(both "$VERSION_KEY" "$R_FROM" annotation "$FINISHED_AT_KEY" "$(now_utc)" unlabel "$RUN_KEY" "")
  case $was in
    false) how="uncordoned"; changes+=(unschedulable "" false) ;;
    true) how="left cordoned (it was unschedulable before the run)" ;;
    *) how="left cordoned (no $WAS_UNSCHEDULABLE_KEY annotation, so its earlier state is unknown)" ;;
  esac
  set_status "$node" rolled-back "${changes[@]}"
  log "$node: rolled back to kata-deploy $R_FROM; $how"
}

targets=$labelled
[[ $MODE != node ]] || targets=$(jq -cn --arg n "$NODE_NAME" '[$n]')
case $MODE in
  exit) why="run $RUN ended $WORKFLOW_STATUS" ;;
  recover) why="recovering run $RUN (record phase $R_PHASE)" ;;
  node) why="rolling back node $NODE_NAME of run $RUN" ;;
esac
log "cleanup: $why; restoring release $R_NAMESPACE/$R_RELEASE revision $R_REVISION and node(s): $(jq -r 'if length == 0 then "none" else join(", ") end' <<<"$targets")"

retry kc delete pods -n "$R_VNS" -l "$RUN_KEY=$RUN" --ignore-not-found --wait=false >"$WORK_DIR/deleted.out"
while IFS= read -r line; do [[ -z $line ]] || log "cleanup: leftover verification $line"; done <"$WORK_DIR/deleted.out"
rollback_release
wait_daemonset_synced "$R_NAMESPACE" "$R_DAEMONSET" "$timeout"

failed=()
for node in $(jq -r '.[]' <<<"$targets"); do
  set +e
  (set -e; restore_node "$node")
  rc=$?
  set -e
  if (( rc != 0 )); then
    failed+=("$node")
    set_status "$node" failed || true
    log "$node: NOT restored; it keeps its run label"
  fi
done

print_summary
(( ${#failed[@]} == 0 )) ||
  die "cleanup: could not restore ${failed[*]} (see above); fix the cause, then re-run: argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=$RUN"
remaining=$(retry kc get nodes -l "$RUN_KEY=$RUN" -o json | jq -r '[.items[].metadata.name] | sort | join(", ")')
if [[ -n $remaining ]]; then
  log "cleanup: node(s) $remaining of run $RUN are not restored yet; restore them with: --entrypoint recover -p run=$RUN"
else
  record_set "$WORKFLOW_NAMESPACE" "$RUN" phase rolled-back
  log "cleanup: run $RUN rolled back"
fi
