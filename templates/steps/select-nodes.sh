#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Chooses the nodes to upgrade, in a fixed order, and prints the plan. Changes nothing on the
# cluster's nodes; unless dry-run, keeps the plan in the run's plan ConfigMap (the summary's
# "not reached" nodes), since a list of thousands of nodes fits no environment variable.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input_daemonset DAEMONSET daemonset
input FROM_VERSION version from-version
input HELM_NAMESPACE namespace helm-namespace
input TARGET_VERSION version target-version
input NODE_SELECTOR selector node-selector
input NODE_TAINT_KEY taint-key node-taint-key
input NODE_TAINT_VALUE taint-value node-taint-value
input NODES node-list nodes
input DRAIN_ENABLED boolean drain-enabled
input DRY_RUN boolean dry-run
input RUN run
require RUN run "the workflow's name names its plan"
input_uid RUN_UID "workflow uid"
input WORKFLOW_NAMESPACE namespace workflow-namespace

load_daemonset "$HELM_NAMESPACE" "$DAEMONSET"
daemonset_pods "$HELM_NAMESPACE" >"$WORK_DIR/pods.json"

node_args=(get nodes)
[[ -z $NODE_SELECTOR ]] || node_args+=(-l "$NODE_SELECTOR")
nodes_json=$(retry kc "${node_args[@]}" -o json)

# One pass decides every node, by the rules of NodeSelection (C#) and tests/cases/node-selection.json:
# {plan: [names], skipped: [{node, reason}], unknown: [names], unlisted: [listed names without a pod]}.
# Skipped: every target dropped, and every node running kata-deploy that is not a target.
selection=$(jq -c \
  --arg nodes "$NODES" --arg selector "$NODE_SELECTOR" --arg key "$NODE_TAINT_KEY" --arg value "$NODE_TAINT_VALUE" \
  --arg target "$TARGET_VERSION" --arg status "$STATUS_KEY" --arg version "$VERSION_KEY" \
  --slurpfile pods "$WORK_DIR/pods.json" '
  def has_taint: $key == "" or any(.taints[]; .key == $key and ($value == "" or (.value // "") == $value));
  def member($list): . as $x | $list | index([$x]) != null;
  ($pods[0] | map(.node | select(. != "")) | unique) as $kata
  | [.items[] | {name: .metadata.name, annotations: (.metadata.annotations // {}), taints: (.spec.taints // [])}] as $all
  | ($all | map(.name)) as $names
  | (if $nodes == "" then null else $nodes | split(",") | unique end) as $wanted
  | ($all | map(select(if $wanted == null then has_taint else .name | member($wanted) end))) as $targets
  | ($targets | map(.name)) as $target_names
  | [$targets[]
     | if (.name | member($kata) | not) then {node: .name, reason: "kata-deploy does not run on it"}
       elif .annotations[$status] == "completed" and .annotations[$version] == $target then {node: .name, reason: "already completed at \($target)"}
       else {node: .name} end] as $decided
  | [$kata[] | select(member($target_names) | not)
     | if $wanted != null then {node: ., reason: "not in nodes"}
       elif (member($names) | not) then (if $selector != "" then {node: ., reason: "not matched by node-selector"} else empty end)
       else {node: ., reason: ("no taint " + $key + (if $value == "" then "" else "=" + $value end))} end] as $outside
  | {plan: ([$decided[] | select(.reason == null) | .node] | sort),
     skipped: (($decided | map(select(.reason != null))) + $outside | sort_by(.node)),
     unknown: (if $wanted == null then [] else $wanted - $names end),
     unlisted: (if $wanted == null then [] else [$decided[] | select(.reason == "kata-deploy does not run on it") | .node] end)}' <<<"$nodes_json")

unknown=$(jq -r '.unknown | join(", ")' <<<"$selection")
[[ -z $unknown ]] || die "nodes: no such node: $unknown; check the names (kubectl get nodes)"
unlisted=$(jq -r '.unlisted | join(", ")' <<<"$selection")
[[ -z $unlisted ]] || die "nodes: $unlisted runs no kata-deploy pod; remove it from nodes"

plan=$(jq -c '.plan' <<<"$selection")
count=$(jq length <<<"$plan")
check_plan_size "$plan"
# The loop iterates `nodes`: none in a dry run (the plan is in this log).
if [[ $DRY_RUN == true ]]; then output nodes "[]"; else output nodes "$(loop_items "$plan")"; fi
output node-count "$count"

if [[ -n $NODES ]]; then how="nodes $NODES"
elif [[ -n $NODE_SELECTOR || -n $NODE_TAINT_KEY ]]; then
  how="selector '${NODE_SELECTOR:-any}', taint '${NODE_TAINT_KEY:-any}${NODE_TAINT_VALUE:+=$NODE_TAINT_VALUE}'"
else how="every node running $DAEMONSET"
fi
while IFS=$'\t' read -r node reason; do
  [[ -z $node ]] || log "$node: skipped, $reason"
done < <(jq -r '.skipped[] | [.node, .reason] | @tsv' <<<"$selection")
if [[ $count == 0 ]]; then
  log "plan: no node to upgrade ($how); nothing will change"
else
  steps="cordon"
  [[ $DRAIN_ENABLED != true ]] || steps+=", drain"
  steps+=", recycle the kata-deploy pod, verify, uncordon"
  log "plan: kata-deploy $FROM_VERSION -> $TARGET_VERSION on $count node(s) ($how), one at a time, stopping at the first failure:"
  jq -r 'to_entries[] | "  \(.key + 1). \(.value)"' <<<"$plan" >&3
  log "plan: first one helm upgrade with updateStrategy OnDelete (no pod restarts), then per node: $steps"
fi
if [[ $DRY_RUN == true ]]; then
  log "dry-run: stopping after the plan; nothing was changed"
elif [[ $count != 0 ]]; then
  write_plan "$WORKFLOW_NAMESPACE" "$RUN" "$RUN_UID" "$plan"
fi
