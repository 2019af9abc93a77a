# The doubles' one jq program: double.sh starts it once per sandbox (jq 1.6 compiles slowly)
# after the definitions in prelude, select, events, pods, controller, values, releases and
# ops/*. It reads one request per line, {op, named, state}, and answers each with five lines.

def dispatch($req):
  if $req.op == "get" then op_get($req)
  elif $req.op == "get-pods" then op_get_pods($req)
  elif $req.op == "get-daemonsets" then op_get_daemonsets($req)
  elif $req.op == "convert" then op_convert($req)
  elif $req.op == "create" then op_create($req)
  elif $req.op == "delete" then op_delete($req)
  elif $req.op == "patch" then op_patch($req)
  elif $req.op == "cordon" then op_cordon($req)
  elif $req.op == "drain" then op_drain($req)
  elif $req.op == "logs" then op_logs($req)
  elif $req.op == "can-i" then op_can_i($req)
  elif $req.op == "helm-history" then op_helm_history($req)
  elif $req.op == "helm-values" then op_helm_values($req)
  elif $req.op == "helm-manifest" then op_helm_manifest($req)
  elif $req.op == "helm-template" then op_helm_template($req)
  elif $req.op == "helm-upgrade" then op_helm_upgrade($req)
  elif $req.op == "helm-rollback" then op_helm_rollback($req)
  else refused($req; "no operation \($req.op)") end;

# A bug in an operation answers exit 98 with jq's error, and the server goes on.
inputs as $req
| (try [$req.state | answer($req; dispatch($req))]
   catch ["98", ("" | @base64), ("\($req.named.tool) double crashed in \($req.op): \(.)\n" | @base64),
          ({tool: $req.named.tool, argv: argv($req), exit: 98} | tojson), ($req.state | tojson)])
| .[]
