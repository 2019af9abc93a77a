#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Refuses, before anything changes, a run that cannot be done safely; records what later steps
# and the exit handler need: the release's revision and chart version, its kata-deploy
# DaemonSet and that DaemonSet's update strategy.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input RUN run
input WORKFLOW_NAMESPACE namespace workflow-namespace
input TARGET_VERSION version target-version
input HELM_RELEASE release helm-release
input HELM_NAMESPACE namespace helm-namespace
input KATA_DEPLOY_CHART chart kata-deploy-chart
input NODE_SELECTOR selector node-selector
input NODE_TAINT_KEY taint-key node-taint-key
input NODE_TAINT_VALUE taint-value node-taint-value
input NODES node-list nodes
input VERIFICATION_NAMESPACE namespace verification-namespace
input VERIFICATION_POD pod64 verification-pod
input VERIFICATION_TIMEOUT duration:3600 verification-timeout
input RECYCLE_TIMEOUT duration:3600 recycle-timeout
input DRAIN_ENABLED boolean drain-enabled
input DRAIN_TIMEOUT duration:7200 drain-timeout
input DRY_RUN boolean dry-run
input HELM_IMAGE image helm-image
input KUBECTL_IMAGE image kubectl-image
require RUN run "the workflow's name labels the nodes it touches"

if [[ -n $NODES && ( -n $NODE_SELECTOR || -n $NODE_TAINT_KEY ) ]]; then
  die "nodes: give either an explicit node list or node-selector/node-taint-key, not both"
fi
[[ -z $NODE_TAINT_VALUE || -n $NODE_TAINT_KEY ]] ||
  die "node-taint-value: '$NODE_TAINT_VALUE' needs node-taint-key; set the taint's key too"
version_supported "$TARGET_VERSION" ||
  die "target-version: kata-deploy $TARGET_VERSION is older than $(kd_get .minimumVersion | cut -d. -f1,2), whose pods uninstall Kata when they restart; upgrade to $(kd_get .minimumVersion) or newer"

# ---- the verification pod: the rules of verification-pod-rules.json (kata-argo submit and the
# chart check the same): one Pod, that uses ${NODE}, is pinned to it and can end
[[ -n $VERIFICATION_POD ]] || die "$(pod_rule missing)"
pod=$(verification_pod_json "$VERIFICATION_POD")
# shellcheck disable=SC2016 # ${NODE} is the manifest's placeholder, not a shell expansion
problem=$(jq -r --slurpfile rules "$POD_RULES_FILE" "$JQ_POD_RULE"'
  def node: "${NODE}";
  def term_pinned: any((.matchExpressions // [])[], (.matchFields // [])[];
    .operator == "In" and (.values // []) == [node]);
  .spec as $spec
  | if .kind != "Pod" then pod_rule("not-a-pod"; .kind)
  elif ([.. | strings | select(contains(node))] | length) == 0 then pod_rule("no-node"; "")
  elif (($spec.nodeName // "") == node
        or any($spec.nodeSelector // {} | .[]; . == node)
        or (($spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms // []) as $t
            | ($t | length) > 0 and all($t[]; term_pinned))) | not
  then pod_rule("not-pinned"; "")
  elif ($spec.restartPolicy // "") == "" then pod_rule("restarts"; $rules[0].details.defaultRestartPolicy)
  elif $spec.restartPolicy == "Always" then pod_rule("restarts"; "Always")
  else "" end' <<<"$pod")
[[ -z $problem ]] || die "$problem"

# ---- what this chart's RBAC was installed for: a per-run override it cannot serve is refused
# here, before Helm answers with a 403 halfway through.
can_i list secrets "$HELM_NAMESPACE" ||
  die "helm-namespace: the workflow's ServiceAccount may not read Helm's release Secrets in namespace '$HELM_NAMESPACE'; its RBAC is installed for another namespace: set the chart value defaults.helmNamespace=$HELM_NAMESPACE (helm upgrade kata-lifecycle-manager ...)"
can_i delete "configmaps/${HELM_RELEASE}-verification-spec" "$HELM_NAMESPACE" ||
  die "helm-release: the workflow's ServiceAccount may not manage the objects of release '$HELM_RELEASE'; its RBAC is installed for another release: set the chart value defaults.helmRelease=$HELM_RELEASE (helm upgrade kata-lifecycle-manager ...)"
can_i create pods "$VERIFICATION_NAMESPACE" ||
  die "verification-namespace: the workflow's ServiceAccount may not create pods in namespace '$VERIFICATION_NAMESPACE'; its RBAC is installed for another namespace: set the chart value defaults.verificationNamespace=$VERIFICATION_NAMESPACE (helm upgrade kata-lifecycle-manager ...)"

# ---- the Helm release
current=$(release_head "$HELM_RELEASE" "$HELM_NAMESPACE")
read -r revision status chart <<<"$current"
[[ -n $revision ]] ||
  die "helm-release: no Helm release '$HELM_RELEASE' in namespace '$HELM_NAMESPACE'; check helm-release and helm-namespace (helm list -A)"
[[ $revision =~ ^[1-9][0-9]{0,8}$ ]] || die "helm-release: revision '$revision' of $HELM_RELEASE is not a number"
release_pending_check "$HELM_RELEASE" "$HELM_NAMESPACE" "$status"
# An open rollout of this release decides whether this run continues it or is refused.
rollout_preflight "$WORKFLOW_NAMESPACE" "$revision" "$status"
release_deployed_check "$HELM_RELEASE" "$HELM_NAMESPACE" "$status"
from_version=$(chart_version "$chart") ||
  die "helm-release: release $HELM_NAMESPACE/$HELM_RELEASE is chart '$chart', not kata-deploy"
[[ $from_version =~ $VERSION_RE ]] || die "helm-release: chart version '$from_version' of $HELM_RELEASE is not X.Y.Z[-suffix]"
version_supported "$from_version" ||
  die "helm-release: kata-deploy $from_version is older than $(kd_get .minimumVersion | cut -d. -f1,2), whose pods uninstall Kata when they restart; upgrade it once with helm before using this workflow"

values=$(retry helm get values "$HELM_RELEASE" -n "$HELM_NAMESPACE" --all -o json)
{ read -r mode; read -r pinned_tag; read -r nfd; } < <(jq -r \
  '(.deploymentMode // "daemonset"), (.image.tag // ""), (.["node-feature-discovery"].enabled // false)' <<<"$values")
# (A chart older than deploymentModeSince has no such value and ignores a user's.)
[[ $mode == daemonset ]] || ! version_at_least "$from_version" "$(kd_get .deploymentModeSince)" ||
  die "helm-release: kata-deploy runs in deploymentMode '$mode'; this workflow upgrades the DaemonSet mode only"
# Its subchart's CRDs and cluster RBAC are beyond this workflow's permissions (docs/security.md).
[[ $nfd == false ]] ||
  die "helm-release: the release enables its node-feature-discovery subchart, which this workflow does not manage; install Node Feature Discovery separately and set node-feature-discovery.enabled=false"
[[ -z $pinned_tag ]] ||
  log "warning: the release's values pin image.tag=$pinned_tag; the chart changes to $TARGET_VERSION but the kata-deploy image stays unless you change that value"

# ---- its kata-deploy DaemonSet: owned by the release (Helm's annotations), named kata-deploy[-suffix]
# (kata-monitor and node-feature-discovery DaemonSets of the same release are not it).
daemonsets=$(retry kc get daemonsets -n "$HELM_NAMESPACE" -o json)
{ read -r count; read -r names; read -r daemonset; read -r strategy; } < <(jq -r \
  --arg rel "$HELM_RELEASE" --arg ns "$HELM_NAMESPACE" --arg rk "$HELM_RELEASE_NAME_KEY" --arg nk "$HELM_RELEASE_NAMESPACE_KEY" '
  [.items[] | select(.metadata.annotations[$rk] == $rel and .metadata.annotations[$nk] == $ns)
   | select(.metadata.name | test("^kata-deploy(-.+)?$"))]
  | length, (map(.metadata.name) | join(", ")), (.[0].metadata.name // ""), (.[0].spec.updateStrategy // {} | tojson)' <<<"$daemonsets")
[[ $count != 0 ]] ||
  die "helm-release: no kata-deploy DaemonSet in '$HELM_NAMESPACE' belongs to release $HELM_RELEASE ($HELM_RELEASE_NAME_KEY); is kata-deploy installed in DaemonSet mode?"
[[ $count == 1 ]] || die "helm-release: $count kata-deploy DaemonSets belong to release $HELM_RELEASE: $names; expected exactly one"

# ---- Helm itself: the exact upgrade stage will run, as a server-side dry run (a wrong chart
# reference, a missing version, a chart that does not render or a lookup RBAC forbids fails here).
stage_values "$HELM_RELEASE" "$HELM_NAMESPACE" "$revision" "$WORK_DIR/stage-values.json"
if ! retry stage_upgrade "$HELM_RELEASE" "$KATA_DEPLOY_CHART" "$TARGET_VERSION" "$HELM_NAMESPACE" "$WORK_DIR/stage-values.json" \
  --dry-run=server -o json >"$WORK_DIR/dry-run.json" 2>"$WORK_DIR/dry-run.err"; then
  while IFS= read -r line; do log "helm: $line"; done <"$WORK_DIR/dry-run.err"
  # A target that would run in deploymentMode job fails here on that mode's cluster objects (RBAC
  # the workflow does not hold): Helm alone tells whether it renders the DaemonSet.
  if retry stage_template "$HELM_RELEASE" "$KATA_DEPLOY_CHART" "$TARGET_VERSION" "$HELM_NAMESPACE" "$WORK_DIR/stage-values.json" \
    >"$WORK_DIR/template.yaml" 2>"$WORK_DIR/template.err"; then
    check_target_daemonset "$WORK_DIR/template.yaml" "$daemonset" "$TARGET_VERSION"
  fi
  die "kata-deploy-chart: helm upgrade --dry-run=server of $HELM_NAMESPACE/$HELM_RELEASE to $KATA_DEPLOY_CHART $TARGET_VERSION fails: $(grep -m 1 '^Error' "$WORK_DIR/dry-run.err" || head -n 1 "$WORK_DIR/dry-run.err"); nothing was changed"
fi
log "preflight: helm upgrade --dry-run=server to $KATA_DEPLOY_CHART $TARGET_VERSION succeeds"

# ---- what stage changes beyond the DaemonSet: the manifest Helm just rendered against the
# release's (kata-deploy.sh, docs/kata-deploy-versions.md)
jq -r '.manifest // error("no manifest")' "$WORK_DIR/dry-run.json" >"$WORK_DIR/target-manifest.yaml" 2>/dev/null ||
  die "kata-deploy-chart: helm upgrade --dry-run=server -o json printed no release manifest"
retry helm get manifest "$HELM_RELEASE" -n "$HELM_NAMESPACE" >"$WORK_DIR/current-manifest.yaml"
check_target_manifest "$WORK_DIR/current-manifest.yaml" "$WORK_DIR/target-manifest.yaml" "$daemonset" "$from_version" "$TARGET_VERSION"

output release-revision "$revision"
# A continuing run keeps the rollout's pre-rollout version and strategy (the release runs the target).
if [[ $ROLLOUT_CONTINUES == true ]]; then from_version=$RO_PRE_VERSION strategy=$RO_PRE_STRATEGY; fi
output from-version "$from_version"
output daemonset "$daemonset"
output update-strategy "$strategy"
output install-labels "$INSTALL_LABELS"
log "preflight: release $HELM_NAMESPACE/$HELM_RELEASE revision $revision runs kata-deploy $from_version; target $TARGET_VERSION"
log "preflight: DaemonSet $HELM_NAMESPACE/$daemonset, update strategy $strategy"
log "preflight: verification pod is a Pod pinned to \${NODE}; verification-timeout $VERIFICATION_TIMEOUT, recycle-timeout $RECYCLE_TIMEOUT, drain-enabled $DRAIN_ENABLED"
