#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Ends a successful run: when every kata-deploy pod runs the updated revision, restores the
# user's pre-rollout values (their update strategy) on the new chart, which restarts no pod, and
# completes the rollout. A failure here warns and never rolls the verified fleet back.
# Otherwise leaves OnDelete and names the nodes still on the old version. kata-deploy's own
# verification hook stays off: it would re-check the whole fleet at once and needs a
# cluster-wide Job and ClusterRole this workflow is not granted (docs/security.md).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input_revision RELEASE_REVISION release-revision
input_daemonset DAEMONSET daemonset
input RUN run
require RUN run "the workflow's name names its run record"
input WORKFLOW_NAMESPACE namespace workflow-namespace
input HELM_RELEASE release helm-release
input HELM_NAMESPACE namespace helm-namespace
input KATA_DEPLOY_CHART chart kata-deploy-chart
input TARGET_VERSION version target-version

# The run's own outcome, in its run record (a run that selected no node staged none).
run_succeeded() {
  [[ -z $(get_optional configmap "$(record_name "$RUN")" -n "$WORKFLOW_NAMESPACE") ]] ||
    record_set "$WORKFLOW_NAMESPACE" "$RUN" phase succeeded
  log "finish: run $RUN succeeded"
  exit 0
}

# The rollout's record, not this run's preflight, knows the pre-rollout values: after a canary
# run, this run's preflight saw the staged revision (OnDelete).
rollout_json=$(rollout_get "$WORKFLOW_NAMESPACE" "$HELM_NAMESPACE" "$HELM_RELEASE")
[[ -n $rollout_json ]] || { log "finish: no rollout of $HELM_NAMESPACE/$HELM_RELEASE is recorded; nothing to finish"; exit 0; }
rollout_load "$rollout_json"
if ! rollout_is_open; then
  ! rollout_has_run "$RUN" || [[ $RO_PHASE == completed ]] ||
    die "finish: rollout $RO_ID is $RO_PHASE; this run was rolled back, submit a new run"
  log "finish: rollout $RO_ID of $HELM_NAMESPACE/$HELM_RELEASE is $RO_PHASE; nothing to finish"
  exit 0
fi
[[ $RO_PHASE != rolling-back && $RO_TARGET == "$TARGET_VERSION" ]] ||
  die "finish: rollout $RO_ID is $RO_PHASE to $RO_TARGET; not finishing it with target $TARGET_VERSION"
current=$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")
read -r revision status _ <<<"$current"
if ! rollout_knows "$revision" || ! [[ $status == deployed || ( $status == failed && $RO_PHASE == finishing ) ]]; then
  die "finish: release $HELM_NAMESPACE/$HELM_RELEASE is revision ${revision:-none} (${status:-missing}), which rollout $RO_ID did not make (staged revision $RO_STAGED); leaving it as it is"
fi

wait_daemonset_synced "$HELM_NAMESPACE" "$DAEMONSET" 600
hash=$(updated_revision "$HELM_NAMESPACE" "$DAEMONSET")
stale=$(daemonset_pods "$HELM_NAMESPACE" | jq -r --arg h "$hash" '[.[] | select(.hash != $h) | .node] | unique | join(", ")')

if [[ -n $stale ]]; then
  log "finish: still on the old version (not selected by this run): $stale"
  log "finish: the DaemonSet stays OnDelete, so those nodes change only when a later run upgrades them; the fleet is mixed on purpose"
  log "finish: rollout $RO_ID stays open (staged); next: upgrade the rest with the same target ($(rollout_finish_command)), or roll the rollout back ($(rollout_recover_command))"
  run_succeeded
fi

rollout_set "$WORKFLOW_NAMESPACE" phase finishing
retry helm get values "$HELM_RELEASE" -n "$HELM_NAMESPACE" --revision "$RO_PRE_REVISION" -o json |
  jq '. // {}' >"$WORK_DIR/values.json"
log "finish: every kata-deploy pod runs revision $hash; restoring the values of pre-rollout revision $RO_PRE_REVISION on $TARGET_VERSION"
if [[ -n $(jq -r '.verification.pod // ""' "$WORK_DIR/values.json") ]]; then
  log "finish: your values set verification.pod; kata-deploy's own verification hook stays off (every node was verified by this rollout): set it again with helm if you want it"
fi
if ! retry helm upgrade "$HELM_RELEASE" "$KATA_DEPLOY_CHART" --version "$TARGET_VERSION" -n "$HELM_NAMESPACE" \
  --reset-values -f "$WORK_DIR/values.json" --set verification.pod= >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
  while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
  # A revision the failed upgrade left is the rollout's: a later run or a rollback accepts it.
  read -r after _ <<<"$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")"
  if [[ -n $after ]] && ! rollout_knows "$after"; then
    rollout_set "$WORKFLOW_NAMESPACE" finish-revisions "${RO_FINISH_REVISIONS:+$RO_FINISH_REVISIONS$'\n'}$after"
  fi
  die "WARNING: every node of rollout $RO_ID runs kata-deploy $TARGET_VERSION and passed verification, but restoring the pre-rollout update strategy failed (helm's error above); nothing is rolled back and the DaemonSet stays OnDelete. Complete the rollout by running the same target again: $(rollout_finish_command)"
fi
wait_daemonset_synced "$HELM_NAMESPACE" "$DAEMONSET" 600
after=$(updated_revision "$HELM_NAMESPACE" "$DAEMONSET")
[[ $after == "$hash" ]] ||
  log "warning: restoring the values changed the pod template (revision $hash -> $after); kata-deploy pods follow the restored update strategy"
rollout_set "$WORKFLOW_NAMESPACE" phase completed
for node in $(retry kc get nodes -l "$ROLLOUT_KEY=$RO_ID" -o json | jq -r '.items[].metadata.name'); do
  patch_node "$node" unlabel "$ROLLOUT_KEY" ""
done
log "finish: DaemonSet $DAEMONSET update strategy is $DS_STRATEGY again (pre-rollout: $RO_PRE_STRATEGY); rollout $RO_ID completed"
run_succeeded
