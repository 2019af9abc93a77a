# kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --timeout=D: cordons, then
# evicts every pod but DaemonSet pods; a pod with .x.blocksEviction stands for a
# PodDisruptionBudget that never allows its eviction.

def daemon: any(.metadata.ownerReferences[]?; .kind == "DaemonSet");

def op_drain($req):
  (first(.nodes | to_entries[] | select(.value.metadata.name == $req.named.p1) | .key) // null) as $i
  | [.pods[] | select(.spec.nodeName == $req.named.p1)] as $on
  | [$on[] | select(daemon | not)] as $evict
  | [$evict[] | select(.x.blocksEviction)] as $blocked
  | if $i == null then not_found("nodes"; $req.named.p1)
    elif $req.named.ignore_ds != "true" and any($on[]; daemon) then
      fail(1; "error: unable to drain node \"\($req.named.p1)\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)\n")
    elif $req.named.emptydir != "true" and any($evict[]; any(.spec.volumes[]?; .emptyDir != null)) then
      fail(1; "error: unable to drain node \"\($req.named.p1)\" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override)\n")
    else .nodes[$i].spec.unschedulable = true
      | if ($blocked | length) > 0 then
          {state: ., code: 1, out: "node/\($req.named.p1) cordoned\nevicting pod \($blocked[0].metadata.namespace)/\($blocked[0].metadata.name)\n",
           err: "error when evicting pods/\"\($blocked[0].metadata.name)\" -n \"\($blocked[0].metadata.namespace)\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\nerror: unable to drain node \"\($req.named.p1)\" due to error: global timeout reached: \($req.named.timeout)\n"}
        else .pods |= map(select(.spec.nodeName != $req.named.p1 or daemon))
          | ok("node/\($req.named.p1) cordoned\n" + ([$evict[] | "evicting pod \(.metadata.namespace)/\(.metadata.name)\npod/\(.metadata.name) evicted\n"] | add // "") + "node/\($req.named.p1) drained\n")
        end
    end;
