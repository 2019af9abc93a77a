# kubectl create -f FILE|- of one JSON Pod or ConfigMap. A pod no controller owns is a
# verification pod: the scheduler places it on its node (a cordoned node only with the
# unschedulable toleration), then it walks its phases, one per read.

def tolerates_unschedulable:
  any(.spec.tolerations[]?;
    ((.key // "") == "node.kubernetes.io/unschedulable" or ((.key // "") == "" and .operator == "Exists"))
    and ((.effect // "") == "" or .effect == "NoSchedule")
    and (.operator == "Exists" or (.value // "") == ""));

def target_node:
  .spec.nodeName // .spec.nodeSelector["kubernetes.io/hostname"]
  // ([.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[]?
       | (.matchExpressions // [])[], (.matchFields // [])[] | select(.operator == "In") | .values[0]] | first);

def schedule:
  . as $st
  | .pods[-1] as $pod
  | ($pod | target_node) as $node
  | (first($st.nodes[] | select(.metadata.name == $node)) // null) as $n
  | if $n == null then
      .pods[-1].x = {phases: ["Pending"]}
      | event($pod.metadata.namespace; $pod.metadata.name; "Warning"; "FailedScheduling";
          "0/\($st.nodes | length) nodes are available: \($st.nodes | length) node(s) didn't match Pod's node affinity/selector.")
    elif ($n.spec.unschedulable // false) and $pod.spec.nodeName == null and ($pod | tolerates_unschedulable | not) then
      .pods[-1].x = {phases: ["Pending"]}
      | event($pod.metadata.namespace; $pod.metadata.name; "Warning"; "FailedScheduling";
          "0/\($st.nodes | length) nodes are available: 1 node(s) were unschedulable.")
    else
      .pods[-1].spec.nodeName = $node
      | .pods[-1].x = {phases: ($st.knobs.verification.nodes[$node] // $st.knobs.verification.default // ["Succeeded"]),
                       logs: ($st.knobs.verification.logs // "verification on \($node): ok")}
    end;

def op_create($req):
  ((if $req.named.has_stdin then $req.named.stdin else $req.named.file0 end) | try fromjson catch null) as $obj
  | ({Pod: "pods", ConfigMap: "configmaps"}[$obj.kind? // ""]) as $coll
  | if $coll == null then refused($req; "create accepts one JSON Pod or ConfigMap")
    else ($obj.metadata.namespace // (if $req.named.ns == "" then null else $req.named.ns end)) as $namespace
    | if $namespace == null then refused($req; "create without a namespace")
      elif any(.[$coll][]?; .metadata.namespace == $namespace and .metadata.name == $obj.metadata.name) then
        fail(1; "Error from server (AlreadyExists): error when creating \"\(if $req.named.has_stdin then "STDIN" else $req.named.path0 end)\": \($coll) \"\($obj.metadata.name)\" already exists\n")
      else .seq = ((.seq // 0) + 1)
        | .seq as $n
        | .[$coll] += [$obj | .metadata.namespace = $namespace | .metadata.uid = "uid-\($n)"]
        | (if $coll == "pods" then schedule else . end)
        | ok("\($obj.kind | ascii_downcase)/\($obj.metadata.name) created\n")
      end
    end;
