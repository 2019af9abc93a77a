# kubectl create --dry-run=client -o json -f FILE: kubectl's YAML reader, as a table in the
# state: .knobs.conversions[sha256 of the file] = {stdout, stderr, exit}.

def op_convert($req):
  .knobs.conversions[$req.named.sha] as $c
  | if $c == null then refused($req; "no YAML-to-JSON conversion for \($req.named.path0) (sha256 \($req.named.sha)) in .knobs.conversions")
    else {state: ., code: ($c.exit // 0), out: ($c.stdout // ""), err: ($c.stderr // "")} end;
