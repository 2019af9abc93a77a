# Pods as a read shows them, and what a read advances: a kata-deploy pod's install (.x.readyIn
# reads to go, -1: never) and a verification pod's phases (one per read). A kata-deploy pod whose
# probes ask /readyz is Ready once installed; one without (3.29, 3.30) as soon as it runs.

def readyz_gated: any(.spec.containers[]? | .startupProbe, .readinessProbe; (.httpGet.path? // "") == "/readyz");

# What kata-deploy logs: its line once installed (3.29.0 binary/src/main.rs:228).
def kata_logs:
  (.x.logs // "") + (if .x.readyIn == 0 then "\nKata Containers installation completed successfully" else "" end);

def render_pod:
  if .x.phases then
    (.x.phases[[(.x.reads // 0), ((.x.phases | length) - 1)] | min]) as $phase
    | .status = {phase: $phase, conditions: [{type: "Ready", status: (if $phase == "Running" then "True" else "False" end)}]}
  elif .x.readyIn != null then
    (.x.readyIn == 0 or (.x.readyIn > 0 and (readyz_gated | not))) as $ready
    | .status = {phase: "Running",
        conditions: [{type: "Ready", status: (if $ready then "True" else "False" end)}
                     + (if $ready then {} else {reason: "ContainersNotReady"} end)],
        containerStatuses: [{name: "kube-kata", ready: $ready, restartCount: (if .x.readyIn == -1 then 4 else 0 end),
          state: (if .x.readyIn == -1 then {waiting: {reason: "CrashLoopBackOff"}} else {running: {}} end)}]}
  else . end
  | del(.x);

def pod_after_read:
  if .x.phases then .x.reads = ((.x.reads // 0) + 1)
  elif (.x.readyIn // 0) > 0 then .x.readyIn -= 1
  else . end;
