#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Ends a successful run: when every kata-deploy pod runs the updated revision, restores the
# user's pre-upgrade values (their update strategy) on the new chart, which restarts no pod.
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

# Only the release this run staged is restored (not one rolled back meanwhile: argo retry).
record=$(get_optional configmap "$(record_name "$RUN")" -n "$WORKFLOW_NAMESPACE")
[[ -n $record ]] || die "finish: run record $WORKFLOW_NAMESPACE/$(record_name "$RUN") is missing"
{ read -r phase; read -r staged; } < <(jq -r '.data.phase // "", .data["staged-revision"] // ""' <<<"$record")
[[ $phase == staged ]] || die "finish: run record says phase '$phase', not staged; the run was rolled back, submit a new run"
current=$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")
read -r revision status _ <<<"$current"
[[ $revision == "$staged" && $status == deployed ]] ||
  die "finish: release $HELM_NAMESPACE/$HELM_RELEASE is revision ${revision:-none} (${status:-missing}), not revision $staged staged by this run; leaving it as it is"

wait_daemonset_synced "$HELM_NAMESPACE" "$DAEMONSET" 600
hash=$(updated_revision "$HELM_NAMESPACE" "$DAEMONSET")
stale=$(daemonset_pods "$HELM_NAMESPACE" | jq -r --arg h "$hash" '[.[] | select(.hash != $h) | .node] | unique | join(", ")')

if [[ -n $stale ]]; then
  log "finish: still on the old version (not selected by this run): $stale"
  log "finish: the DaemonSet stays OnDelete, so those nodes change only when a later run upgrades them (e.g. -p nodes=...); the fleet is mixed on purpose"
else
  retry helm get values "$HELM_RELEASE" -n "$HELM_NAMESPACE" --revision "$RELEASE_REVISION" -o json |
    jq '. // {}' >"$WORK_DIR/values.json"
  log "finish: every kata-deploy pod runs revision $hash; restoring the values of revision $RELEASE_REVISION on $TARGET_VERSION"
  if [[ -n $(jq -r '.verification.pod // ""' "$WORK_DIR/values.json") ]]; then
    log "finish: your values set verification.pod; kata-deploy's own verification hook stays off (every node was verified by this run): set it again with helm if you want it"
  fi
  if ! retry helm upgrade "$HELM_RELEASE" "$KATA_DEPLOY_CHART" --version "$TARGET_VERSION" -n "$HELM_NAMESPACE" \
    --reset-values -f "$WORK_DIR/values.json" --set verification.pod= >"$WORK_DIR/helm.out" 2>"$WORK_DIR/helm.err"; then
    while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/helm.err"
    die "finish: helm upgrade restoring the pre-upgrade values failed (above); the DaemonSet stays OnDelete"
  fi
  wait_daemonset_synced "$HELM_NAMESPACE" "$DAEMONSET" 600
  after=$(updated_revision "$HELM_NAMESPACE" "$DAEMONSET")
  [[ $after == "$hash" ]] ||
    log "warning: restoring the values changed the pod template (revision $hash -> $after); kata-deploy pods follow the restored update strategy"
  log "finish: DaemonSet $DAEMONSET update strategy is $DS_STRATEGY again"
fi
record_set "$WORKFLOW_NAMESPACE" "$RUN" phase succeeded
log "finish: run $RUN succeeded"
