# kubectl delete pod NAME | pods -l SEL, -n NS: a DaemonSet's pod is replaced on its node by
# the controller, at the DaemonSet's current template.

def op_delete($req):
  [.pods[] | select(.metadata.namespace == $req.named.ns) | matches($req) | select($req.named.p2 == "" or .metadata.name == $req.named.p2)] as $found
  | if $req.named.p2 != "" and ($found | length) == 0 and $req.named.ignore != "true" then not_found("pods"; $req.named.p2)
    else reduce $found[] as $pod (.;
        .pods |= map(select(.metadata.namespace != $req.named.ns or .metadata.name != $pod.metadata.name))
        | (first(.daemonsets | to_entries[] | select(.value.metadata.uid as $u | $pod | owned_by($u)) | .key) // null) as $i
        | if $i == null then . else ds_sync($i) | new_ds_pod($i; $pod.spec.nodeName) end)
      | ok([$found[] | "pod \"\(.metadata.name)\" deleted\n"] | add // "")
    end;
