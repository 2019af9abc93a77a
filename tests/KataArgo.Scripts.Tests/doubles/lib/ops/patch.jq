# kubectl patch node|configmap NAME [-n NS] --type merge -p JSON (RFC 7386 merge patch).

def op_patch($req):
  ({node: "nodes", configmap: "configmaps"}[$req.named.p1]) as $coll
  | ($req.named.patch | try fromjson catch null) as $json
  | (first(.[$coll] | to_entries[] | select(.value.metadata.name == $req.named.p2 and ($req.named.ns == "" or .value.metadata.namespace == $req.named.ns)) | .key) // null) as $i
  | if $json == null then refused($req; "patch is not JSON")
    elif $i == null then not_found($coll; $req.named.p2)
    else .[$coll][$i] |= merge_patch($json) | ok("\($req.named.p1)/\($req.named.p2) patched\n") end;
