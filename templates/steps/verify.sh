#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Runs the user's verification pod on this node: passes on Succeeded, fails at once on Failed,
# fails on timeout; always prints its logs and deletes it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node to verify"
input RUN run
require RUN run "the workflow's name labels the verification pod"
input VERIFICATION_NAMESPACE namespace verification-namespace
input VERIFICATION_POD pod64 verification-pod
require VERIFICATION_POD verification-pod "pass the Pod manifest encoded, e.g. -p verification-pod=\$(base64 -w0 pod.yaml)"
input VERIFICATION_TIMEOUT duration:3600 verification-timeout
timeout=$(duration_seconds "$VERIFICATION_TIMEOUT")
FAIL_NODE=$NODE

set_status "$NODE" verifying
pod=$(verification_pod_json "$VERIFICATION_POD")
name=$(test_pod_name "$RUN" "$NODE")

# ${NODE} and ${TEST_POD} are replaced in string values only, as data. The node is cordoned, so
# the pod needs the unschedulable toleration unless the user gave one.
# shellcheck disable=SC2016 # ${NODE} and ${TEST_POD} are the manifest's placeholders
jq -c --arg node "$NODE" --arg pod "$name" --arg ns "$VERIFICATION_NAMESPACE" --arg key "$RUN_KEY" \
  --arg run "$RUN" --arg taint "$UNSCHEDULABLE_TAINT" '
  def tolerates_unschedulable:
    (.operator // "Equal") as $op
    | ((.key // "") == $taint or ((.key // "") == "" and $op == "Exists"))
      and ((.effect // "") == "" or .effect == "NoSchedule")
      and ($op == "Exists" or (.value // "") == "");
  if .kind != "Pod" then "not-a-pod" else
  walk(if type == "string" then split("${NODE}") | join($node) | split("${TEST_POD}") | join($pod) else . end)
  | del(.status, .metadata.generateName, .metadata.resourceVersion, .metadata.uid, .metadata.creationTimestamp)
  | .metadata.name = $pod | .metadata.namespace = $ns | .metadata.labels[$key] = $run
  | (any(.spec.tolerations[]?; tolerates_unschedulable)) as $tolerated
  | if $tolerated then . else .spec.tolerations += [{key: $taint, operator: "Exists", effect: "NoSchedule"}] end
  | ($tolerated | not), . end' <<<"$pod" >"$WORK_DIR/manifest.jsonl"
{ read -r added; read -r manifest; } <"$WORK_DIR/manifest.jsonl" || true
[[ $added != not-a-pod ]] || die "verification-pod: the manifest is not a Pod"
printf '%s\n' "$manifest" >"$WORK_DIR/pod.json"

# A pod of the same name is left from an earlier attempt of this step.
retry kc delete pod "$name" -n "$VERIFICATION_NAMESPACE" --ignore-not-found --wait=true >/dev/null
retry kc create -f "$WORK_DIR/pod.json" >/dev/null
log "$NODE: created verification pod $VERIFICATION_NAMESPACE/$name (timeout ${timeout}s)"
[[ $added != true ]] ||
  log "$NODE: added toleration $UNSCHEDULABLE_TAINT:NoSchedule to the verification pod, since the node is cordoned"

deadline=$((SECONDS + timeout)) start=$SECONDS phase="" result=""
while :; do
  json=$(retry kc get pod "$name" -n "$VERIFICATION_NAMESPACE" -o json)
  current=$(jq -r '.status.phase // "Pending"' <<<"$json")
  [[ $current == "$phase" ]] || log "$NODE: verification pod $name is $current"
  phase=$current
  case $phase in
    Succeeded) result=passed; break ;;
    Failed) result="failed (pod phase Failed)"; break ;;
  esac
  if (( SECONDS >= deadline )); then result="timed out after ${timeout}s in phase $phase (verification-timeout)"; break; fi
  sleep "$POLL_SECONDS"
done

if [[ $result != passed ]]; then
  explain_pod "$VERIFICATION_NAMESPACE" "$name" "$NODE"
else
  log "$NODE: logs of verification pod $VERIFICATION_NAMESPACE/$name:"
  kc logs "$name" -n "$VERIFICATION_NAMESPACE" --all-containers=true --tail=200 >&3 2>&1 || log "  (no logs)"
fi
retry kc delete pod "$name" -n "$VERIFICATION_NAMESPACE" --ignore-not-found --wait=false >/dev/null
log "$NODE: deleted verification pod $name"
[[ $result == passed ]] || die "$NODE: verification $result after $((SECONDS - start))s"
log "$NODE: verification passed ($((SECONDS - start))s)"
