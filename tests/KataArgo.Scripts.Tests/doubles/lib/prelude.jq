# Every operation's frame. A request $req is {named: {...}} as double.sh sends it (argv as
# a0..aN, parsed flags, files, stdin); the state is the input; an operation's result is
# {state, code, out, err}; answer prints it as the five lines double.sh reads.

def argv($req): [range(0; $req.named.argc | tonumber) as $i | $req.named["a\($i)"]];
def ok($out): {state: ., code: 0, out: $out, err: ""};
def fail($code; $err): {state: ., code: $code, out: "", err: $err};
def refused($req; $why): fail(97; "\($req.named.tool) double: \($why): \($req.named.tool) \(argv($req) | join(" "))\n");

# answer($req; handle): a failure the state injects ({tool, match: substring of the joined argv,
# unless: a substring that spares a call, times: -1 for always, stderr, exit}), else handle's result.
def answer($req; handle):
  (argv($req) | join(" ")) as $line
  | (first(range(0; (.failures // []) | length) as $i
      | .failures[$i] as $f | select($f.tool == $req.named.tool and ($line | contains($f.match))
          and ($f.unless == null or ($line | contains($f.unless) | not)) and (($f.times // 1) != 0)) | $i) // null) as $i
  | (if $i == null then handle
     else .failures[$i] as $f
     | .failures[$i].times = (if ($f.times // 1) > 0 then ($f.times // 1) - 1 else $f.times end)
     | fail($f.exit // 1; ($f.stderr // "injected failure") + "\n") end)
  | "\(.code)", (.out | @base64), (.err | @base64),
    ({tool: $req.named.tool, argv: argv($req), exit: .code}
     + (if $req.named.has_stdin then {stdin: $req.named.stdin} else {} end)
     + ([range(0; $req.named.nfiles | tonumber) as $i | {key: $req.named["path\($i)"], value: $req.named["file\($i)"]}]
        | if length > 0 then {files: from_entries} else {} end)
     | tojson),
    (.state | tojson);

def plural: {nodes: "nodes", pods: "pods", daemonsets: "daemonsets.apps", controllerrevisions: "controllerrevisions.apps",
  configmaps: "configmaps", events: "events"}[.];
def not_found($res; $name): fail(1; "Error from server (NotFound): \($res | plural) \"\($name)\" not found\n");
def owned_by($uid): any(.metadata.ownerReferences[]?; .uid == $uid);
