# Pods as a read shows them, and what a read advances: a kata-deploy pod's readiness
# (.x.readyIn reads to go, -1: never) and a verification pod's phases (one per read).

def render_pod:
  if .x.phases then
    (.x.phases[[(.x.reads // 0), ((.x.phases | length) - 1)] | min]) as $phase
    | .status = {phase: $phase, conditions: [{type: "Ready", status: (if $phase == "Running" then "True" else "False" end)}]}
  elif .x.readyIn != null then
    (.x.readyIn == 0) as $ready
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
