#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Ends a node's upgrade: uncordons it unless it was unschedulable before the run, and records
# the version it now runs.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node to uncordon"
input RUN run
require RUN run "the workflow's name labels the nodes it touches"
input TARGET_VERSION version target-version
FAIL_NODE=$NODE

node=$(retry kc get node "$NODE" -o json)
finished=$(now_utc)
{ read -r owner; read -r was; read -r took; } < <(jq -r --arg run "$RUN_KEY" --arg was "$WAS_UNSCHEDULABLE_KEY" \
  --arg st "$STARTED_AT_KEY" --arg now "$finished" "$JQ_TOOK"'
  (.metadata.labels[$run] // ""), (.metadata.annotations[$was] // ""),
  (try (($now | fromdateiso8601) - (.metadata.annotations[$st] | fromdateiso8601) | took) catch "?")' <<<"$node")
[[ $owner == "$RUN" ]] || die "$NODE: the node is not labelled by this run ($RUN_KEY=${owner:-none}); not uncordoning it"
case $was in
  false) schedulable=true how="uncordoned" ;;
  true) schedulable=false how="left cordoned (it was unschedulable before the run)" ;;
  *) die "$NODE: no $WAS_UNSCHEDULABLE_KEY annotation; not uncordoning a node whose earlier state is unknown" ;;
esac
changes=(both "$VERSION_KEY" "$TARGET_VERSION" annotation "$FINISHED_AT_KEY" "$finished")
[[ $schedulable != true ]] || changes+=(unschedulable "" false)
set_status "$NODE" completed "${changes[@]}"
log "$NODE: $how; completed at kata-deploy $TARGET_VERSION (took $took)"
