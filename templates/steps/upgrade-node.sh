#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# One node, in one pod: cordon, drain (when drain-enabled), recycle, verify, uncordon. Each phase
# is its own script run as its own process under its own deadline, and stops the node at its
# first failure. Reports the phase to Argo as progress N/5 and, on failure, the phase and reason
# as the container's termination message (the Argo node's message).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node to upgrade"
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

start=$SECONDS
for index in "${!NODE_PHASES[@]}"; do
  phase=${NODE_PHASES[index]}
  case $phase in
    cordon) limit=$PHASE_API_SECONDS ;;
    drain) [[ $DRAIN_ENABLED == true ]] || { log "$NODE: drain skipped (drain-enabled is false)"; continue; }
      limit=$((drain + PHASE_MARGIN_SECONDS)) ;;
    # recycle waits for the DaemonSet controller, then for the pod: each up to recycle-timeout.
    recycle) limit=$((2 * recycle + PHASE_MARGIN_SECONDS)) ;;
    verify) limit=$((verify + PHASE_MARGIN_SECONDS)) ;;
    uncordon) limit=$PHASE_API_SECONDS ;;
  esac
  progress "$((index + 1))"
  run_phase "$NODE" "$phase" "$limit"
done
progress "${#NODE_PHASES[@]}"
log "$NODE: upgraded and verified in $((SECONDS - start))s"
