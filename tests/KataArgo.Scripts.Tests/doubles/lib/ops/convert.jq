# kubectl create --dry-run=client -o json -f FILE: kubectl's YAML reader, as a table in the
# state: .knobs.conversions[sha256 of the file] = {stdout, stderr, exit}.

# A file of JSON documents (Helm manifests the doubles print) reads as kubectl reads JSON: one
# object as it is, several as a List.
def op_convert($req):
  .knobs.conversions[$req.named.sha] as $c
  | ($req.named.file0 | try ([split("\n---\n")[] | select(test("\\S")) | fromjson]) catch null) as $docs
  | if $c == null and $docs != null and ($docs | length) > 0 then
      ok($docs | if length == 1 then .[0] else {apiVersion: "v1", kind: "List", items: ., metadata: {resourceVersion: ""}} end | tojson + "\n")
    elif $c == null then refused($req; "no YAML-to-JSON conversion for \($req.named.path0) (sha256 \($req.named.sha)) in .knobs.conversions")
    else {state: ., code: ($c.exit // 0), out: ($c.stdout // ""), err: ($c.stderr // "")} end;
