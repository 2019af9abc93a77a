# kubectl auth can-i VERB RESOURCE[/NAME] -n NS: "yes" (exit 0), or "no" (exit 1) for what
# .knobs.denied lists as "VERB RESOURCE[/NAME] NS".

def op_can_i($req):
  if ((.knobs.denied // []) | index(["\($req.named.p2) \($req.named.p3) \($req.named.ns)"])) != null
  then {state: ., code: 1, out: "no\n", err: ""}
  else ok("yes\n") end;
