#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Evicts the node's workloads through the eviction API (PodDisruptionBudgets respected).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node to drain"
input DRAIN_TIMEOUT duration:7200 drain-timeout
timeout=$(duration_seconds "$DRAIN_TIMEOUT")
FAIL_NODE=$NODE

set_status "$NODE" draining
log "$NODE: draining (timeout ${timeout}s; DaemonSet pods stay)"
if ! kc drain "$NODE" --ignore-daemonsets --delete-emptydir-data --timeout="${timeout}s" >"$WORK_DIR/drain.out" 2>&1; then
  while IFS= read -r line; do log "$NODE: drain: $line"; done <"$WORK_DIR/drain.out"
  die "$NODE: drain did not finish within ${timeout}s (a PodDisruptionBudget or a pod without a controller, see above)"
fi
while IFS= read -r line; do log "$NODE: drain: $line"; done <"$WORK_DIR/drain.out"
log "$NODE: drained"
