#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Marks the node as touched by this run, remembers whether it was already unschedulable (an
# admin's cordon is never undone), and cordons it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node to cordon"
input RUN run
require RUN run "the workflow's name labels the nodes it touches"
# With the run record's namespace, refuse a run that already ended (argo retry after a rollback).
WORKFLOW_NAMESPACE=${WORKFLOW_NAMESPACE-}
if [[ -n $WORKFLOW_NAMESPACE ]]; then
  input WORKFLOW_NAMESPACE namespace workflow-namespace
  record=$(get_optional configmap "$(record_name "$RUN")" -n "$WORKFLOW_NAMESPACE")
  phase=missing
  [[ -z $record ]] || phase=$(jq -r '.data.phase // "missing"' <<<"$record")
  [[ $phase == staged ]] ||
    die "$NODE: run $RUN is not staged (run record phase: $phase); it was rolled back or finished, submit a new run"
fi

# The rollout the node joins (upgrade-node.sh); its label stays until the rollout ends.
input ROLLOUT_ID run rollout
rollout_label=()
[[ -z $ROLLOUT_ID ]] || rollout_label=(label "$ROLLOUT_KEY" "$ROLLOUT_ID")

node=$(retry kc get node "$NODE" -o json)
{ read -r owner; read -r unschedulable; read -r recorded; } < <(jq -r --arg run "$RUN_KEY" --arg was "$WAS_UNSCHEDULABLE_KEY" '
  (.metadata.labels[$run] // ""), (.spec.unschedulable // false), (.metadata.annotations[$was] // "")' <<<"$node")
[[ -z $owner || $owner == "$RUN" ]] ||
  die "$NODE: the node is still labelled by run $owner ($RUN_KEY); restore it first: argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=$owner"
FAIL_NODE=$NODE

# One patch: the node is never cordoned without the run label that lets the exit handler find it.
if [[ $owner == "$RUN" && -n $recorded ]]; then
  # A retry of this step: the node may be unschedulable by our own cordon; keep the first record.
  was=$recorded
  set_status "$NODE" cordoned unschedulable "" true "${rollout_label[@]}"
else
  was=$unschedulable
  set_status "$NODE" cordoned label "$RUN_KEY" "$RUN" unlabel "$NEXT_KEY" "" annotation "$WAS_UNSCHEDULABLE_KEY" "$was" \
    annotation "$STARTED_AT_KEY" "$(now_utc)" unannotate "$FINISHED_AT_KEY" "" unschedulable "" true "${rollout_label[@]}"
fi
if [[ $was == true ]]; then
  log "$NODE: cordoned (was already unschedulable; it stays cordoned after the run)"
else
  log "$NODE: cordoned (was schedulable)"
fi
