#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Writes the run record, then stages the target version with ONE helm upgrade whose DaemonSet
# update strategy is OnDelete: no kata-deploy pod restarts until this workflow recycles a node.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input_revision RELEASE_REVISION release-revision
input FROM_VERSION version from-version
input_daemonset DAEMONSET daemonset
input_json UPDATE_STRATEGY update-strategy 'type == "object"' "a JSON object"
input RUN run
require RUN run "the workflow's name labels the nodes it touches"
input_uid RUN_UID "workflow uid"
input WORKFLOW_NAMESPACE namespace workflow-namespace
input HELM_RELEASE release helm-release
input HELM_NAMESPACE namespace helm-namespace
input KATA_DEPLOY_CHART chart kata-deploy-chart
input TARGET_VERSION version target-version
input VERIFICATION_NAMESPACE namespace verification-namespace
# preflight's install-labels: space-separated KEY=VALUE node labels (check_target_manifest).
read -r -a install_labels <<<"${INSTALL_LABELS-}"
for label in "${install_labels[@]}"; do
  [[ $label == *=* && ${label%%=*} =~ $QUALIFIED_NAME_RE && ${label#*=} =~ $LABEL_VALUE_RE ]] ||
    die "install-labels: '${INSTALL_LABELS-}' is not a list of node labels KEY=VALUE"
done

input DRAIN_ENABLED boolean drain-enabled
input DRAIN_TIMEOUT duration:7200 drain-timeout

# The record's revision is what a rollback restores, so the release must not have moved since preflight.
current=$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")
read -r revision status chart <<<"$current"
rollout_json=$(rollout_get "$WORKFLOW_NAMESPACE" "$HELM_NAMESPACE" "$HELM_RELEASE")
continuing=false
if [[ -n $rollout_json ]]; then
  rollout_load "$rollout_json"
  # A retry of the stage that opened the rollout and upgraded nothing opens it again.
  if rollout_is_open && ! [[ $RO_ID == "$RUN" && -z $RO_STAGED && $revision == "$RO_PRE_REVISION" ]]; then
    if [[ $RO_PHASE == rolling-back || $RO_TARGET != "$TARGET_VERSION" ]] || ! rollout_knows "$revision"; then
      die "stage: rollout $RO_ID of $HELM_NAMESPACE/$HELM_RELEASE (phase $RO_PHASE, target $RO_TARGET, release revision ${revision:-none}) does not allow this run; nothing was changed (preflight names the command that does)"
    fi
    continuing=true
  fi
fi
[[ $revision == "$RELEASE_REVISION" && ( $status == deployed || $continuing == true ) ]] ||
  die "helm-release: $HELM_NAMESPACE/$HELM_RELEASE is now revision ${revision:-none} ($status), not revision $RELEASE_REVISION seen by preflight; someone changed it meanwhile: submit a new run"

record=$(record_name "$RUN")
existing=$(get_optional configmap "$record" -n "$WORKFLOW_NAMESPACE")
if [[ -z $existing ]]; then
  jq -n --arg name "$record" --arg ns "$WORKFLOW_NAMESPACE" --arg key "$RUN_KEY" --arg run "$RUN" --arg uid "$RUN_UID" \
    --arg release "$HELM_RELEASE" --arg namespace "$HELM_NAMESPACE" --arg chart "$KATA_DEPLOY_CHART" \
    --arg revision "$RELEASE_REVISION" --arg from "$FROM_VERSION" --arg target "$TARGET_VERSION" \
    --arg daemonset "$DAEMONSET" --arg strategy "$UPDATE_STRATEGY" --arg vns "$VERIFICATION_NAMESPACE" '
    {apiVersion: "v1", kind: "ConfigMap",
     metadata: {name: $name, namespace: $ns, labels: {($key): $run},
                ownerReferences: [{apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", name: $run, uid: $uid}]},
     data: {run: $run, release: $release, namespace: $namespace, chart: $chart, revision: $revision,
            "from-version": $from, "target-version": $target, daemonset: $daemonset, "update-strategy": $strategy,
            "verification-namespace": $vns, phase: "staged"}}' >"$WORK_DIR/record.json"
  retry kc create -f "$WORK_DIR/record.json" >/dev/null
  log "stage: wrote run record $WORKFLOW_NAMESPACE/$record (pre-upgrade revision $RELEASE_REVISION)"
else
  phase=$(jq -r '.data.phase // ""' <<<"$existing")
  [[ $phase == staged ]] ||
    die "run record $WORKFLOW_NAMESPACE/$record says this run already ended ($phase); submit a new run"
  log "stage: run record $WORKFLOW_NAMESPACE/$record exists (phase staged); keeping it"
fi

if [[ $continuing == true ]]; then
  rollout_has_run "$RUN" || rollout_set "$WORKFLOW_NAMESPACE" runs "$RO_RUNS"$'\n'"$RUN"
  log "stage: run $RUN continues rollout $RO_ID (kata-deploy $RO_PRE_VERSION -> $RO_TARGET, staged revision $RO_STAGED); the release is not upgraded again"
  record_set "$WORKFLOW_NAMESPACE" "$RUN" rollout "$RO_ID" staged-revision "$RO_STAGED"
else
rollout_open "$WORKFLOW_NAMESPACE"
# The target's RuntimeClasses select kata-deploy's own install label (4.1.0+): label the nodes
# where the release is installed first, or every node not yet upgraded stops taking Kata pods.
label_installed_nodes "$HELM_NAMESPACE" "$DAEMONSET" "${install_labels[@]}"

log "stage: helm upgrade $HELM_RELEASE to $KATA_DEPLOY_CHART $TARGET_VERSION with the values of revision $RELEASE_REVISION, updateStrategy OnDelete and kata-deploy's verification hook off"
stage_values "$HELM_RELEASE" "$HELM_NAMESPACE" "$RELEASE_REVISION" "$WORK_DIR/stage-values.json"
if ! stage_upgrade "$HELM_RELEASE" "$KATA_DEPLOY_CHART" "$TARGET_VERSION" "$HELM_NAMESPACE" "$WORK_DIR/stage-values.json" \
  >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
  while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
  # A revision the failed upgrade left (failed) is the rollout's: the exit handler rolls it back.
  read -r revision _ <<<"$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")"
  [[ $revision == "$RELEASE_REVISION" ]] || rollout_set "$WORKFLOW_NAMESPACE" staged-revision "$revision"
  die "stage: helm upgrade of $HELM_NAMESPACE/$HELM_RELEASE to $TARGET_VERSION failed (helm's error above); no node was cordoned, and the exit handler restores revision $RELEASE_REVISION if the release changed"
fi
while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"

current=$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")
read -r revision status chart <<<"$current"
record_set "$WORKFLOW_NAMESPACE" "$RUN" rollout "$RUN" staged-revision "$revision"
rollout_set "$WORKFLOW_NAMESPACE" staged-revision "$revision"
wait_daemonset_synced "$HELM_NAMESPACE" "$DAEMONSET" 600
jq -e '. == {type: "OnDelete"}' >/dev/null <<<"$DS_STRATEGY" ||
  die "stage: DaemonSet $HELM_NAMESPACE/$DAEMONSET has updateStrategy $DS_STRATEGY after the upgrade, not exactly {\"type\":\"OnDelete\"}; its pods may restart on their own (does chart $TARGET_VERSION render updateStrategy from its values?)"
log "stage: release $HELM_NAMESPACE/$HELM_RELEASE is revision $revision ($chart, $status); DaemonSet $DAEMONSET is OnDelete, so no kata-deploy pod restarted"
fi

# The first node's pod must be scheduled elsewhere: mark its node (upgrade-node.sh marks the next ones).
read_plan "$WORKFLOW_NAMESPACE" "$RUN" "$WORK_DIR/plan.json"
first=$(jq -r '.[0] // ""' "$WORK_DIR/plan.json")
[[ -z $first ]] || patch_node "$first" label "$NEXT_KEY" "$RUN"
