#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# One node, in one pod: cordon, drain (when drain-enabled), recycle, verify, uncordon. Each phase
# is its own script run as its own process under its own deadline, and stops the node at its
# first failure. Reports the phase to Argo as progress N/5 and, on failure, the phase and reason
# as the container's termination message (the Argo node's message). Done, it marks the plan's next
# node (NEXT_KEY) so that node's pod is scheduled elsewhere.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

# The loop's item: the node's name, or "#I", its index in the run's plan (large fleets).
ITEM=${NODE-}
input RUN run
require RUN run "the workflow's name names its plan"
input WORKFLOW_NAMESPACE namespace workflow-namespace
if [[ $ITEM =~ ^#([0-9]{1,6})$ ]]; then
  index=$((10#${BASH_REMATCH[1]}))
else
  input NODE node node
  require NODE node "the node to upgrade"
  index=""
fi
input DRAIN_ENABLED boolean drain-enabled
input DRAIN_TIMEOUT duration:7200 drain-timeout
input RECYCLE_TIMEOUT duration:3600 recycle-timeout
input VERIFICATION_TIMEOUT duration:3600 verification-timeout
drain=$(duration_seconds "$DRAIN_TIMEOUT")
recycle=$(duration_seconds "$RECYCLE_TIMEOUT")
verify=$(duration_seconds "$VERIFICATION_TIMEOUT")

# Argo's self-reported progress (ARGO_PROGRESS_FILE, "N/M"): the phase a node is in, in a UI
# that cannot show more than two numbers; `kata-argo watch` maps N back to the phase's name.
progress() {
  [[ -z ${ARGO_PROGRESS_FILE-} ]] || printf '%s/%s\n' "$1" "${#NODE_PHASES[@]}" >"$ARGO_PROGRESS_FILE" || true
}

read_plan "$WORKFLOW_NAMESPACE" "$RUN" "$WORK_DIR/plan.json"
if [[ -n $index ]]; then
  NODE=$(jq -r --argjson i "$index" '.[$i] // ""' "$WORK_DIR/plan.json")
  [[ -n $NODE ]] || die "node: item $ITEM is not in the plan of run $RUN (ConfigMap $WORKFLOW_NAMESPACE/$PLAN_PREFIX$RUN)"
else
  index=$(jq -r --arg n "$NODE" 'index([$n]) // ""' "$WORK_DIR/plan.json")
  [[ -n $index ]] || die "$NODE: the node is not in the plan of run $RUN (ConfigMap $WORKFLOW_NAMESPACE/$PLAN_PREFIX$RUN)"
fi
export NODE
# Scheduling keeps this pod off the node (its name, or the marker the previous node's pod set):
# a pod that landed there anyway stops before it changes anything.
[[ ${KATA_POD_NODE-} != "$NODE" ]] ||
  die "$NODE: this pod runs on the node it would upgrade, whose container runtime restarts; nothing was changed"

# Only a run of an open rollout upgrades a node: `argo retry` of a run whose rollout was rolled
# back (or finished) stops here, before the node is touched.
rollout_json=$(rollout_find "$WORKFLOW_NAMESPACE" "$RUN")
[[ -n $rollout_json ]] || die "$NODE: run $RUN is in no rollout record (its stage did not run); nothing was changed"
rollout_load "$rollout_json"
[[ $RO_PHASE == staged ]] ||
  die "$NODE: rollout $RO_ID is $RO_PHASE, not staged; this run no longer upgrades nodes (submit a new run); nothing was changed"
# cordon.sh labels the node with it.
export ROLLOUT_ID=$RO_ID

start=$SECONDS
for phase_index in "${!NODE_PHASES[@]}"; do
  phase=${NODE_PHASES[phase_index]}
  case $phase in
    cordon) limit=$PHASE_API_SECONDS ;;
    drain) [[ $DRAIN_ENABLED == true ]] || { log "$NODE: drain skipped (drain-enabled is false)"; continue; }
      limit=$((drain + PHASE_MARGIN_SECONDS)) ;;
    # recycle waits for the DaemonSet controller, then for the pod: each up to recycle-timeout.
    recycle) limit=$((2 * recycle + PHASE_MARGIN_SECONDS)) ;;
    verify) limit=$((verify + PHASE_MARGIN_SECONDS)) ;;
    uncordon) limit=$PHASE_API_SECONDS ;;
  esac
  progress "$((phase_index + 1))"
  run_phase "$NODE" "$phase" "$limit"
done
progress "${#NODE_PHASES[@]}"
log "$NODE: upgraded and verified in $((SECONDS - start))s"
# The next node's pod is scheduled after this one ends; mark its node so it lands elsewhere.
next=$(jq -r --argjson i "$index" '.[$i + 1] // ""' "$WORK_DIR/plan.json")
[[ -z $next ]] || patch_node "$next" label "$NEXT_KEY" "$RUN"
