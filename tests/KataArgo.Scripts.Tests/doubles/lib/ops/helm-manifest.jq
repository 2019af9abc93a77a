# helm get manifest RELEASE -n NS: the manifest of the release's latest revision (manifest_of).

def op_helm_manifest($req):
  release_index($req; $req.named.p2) as $r
  | if $r == null then fail(1; "Error: release: not found\n")
    else .releases[$r] as $rel | ($rel.history | max_by(.revision)) as $e
      | ok(manifest_of($rel; $e.chart | ltrimstr("kata-deploy-")) + "\n") end;

# helm template RELEASE CHART --version V -n NS -f FILE: the manifest chart V would render for the
# release (manifest_of).
def op_helm_template($req):
  release_index($req; $req.named.p1) as $r
  | if $r == null then refused($req; "template of a release the state does not have")
    elif .knobs.charts != null and ((.knobs.charts | index([$req.named.version])) == null) then
      fail(1; "Error: chart \"kata-deploy\" version \"\($req.named.version)\" not found in \($req.named.p2) repository\n")
    else ok(manifest_of(.releases[$r]; $req.named.version) + "\n") end;
