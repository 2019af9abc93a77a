# A new revision of a release: applied to its kata-deploy DaemonSet, then recorded.

def strategy_of($values):
  ($values.updateStrategy // {}) as $u
  | if ($u.type // "RollingUpdate") == "RollingUpdate" then
      {type: "RollingUpdate", rollingUpdate: ({maxUnavailable: 1, maxSurge: 0} + ($u.rollingUpdate // {}))}
    else {type: $u.type} + (if $u.rollingUpdate then {rollingUpdate: $u.rollingUpdate} else {} end) end;

# Helm applies the manifests: a changed template or strategy bumps the DaemonSet's generation,
# and its controller observes it after .knobs.syncLag reads of the DaemonSet (0: at once).
def apply($r; $entry):
  .releases[$r] as $rel
  | (if $rel.daemonset == null then null else ds_index($rel.namespace; $rel.daemonset) end) as $i
  | ($entry.chart | ltrimstr("kata-deploy-")) as $version
  | strategy_of(computed($entry)) as $strategy
  | if $i == null or (.daemonsets[$i] | .x.hash == hash_of($version) and .spec.updateStrategy == $strategy) then .
    else .daemonsets[$i].spec.updateStrategy = $strategy
      | .daemonsets[$i].x.hash = hash_of($version)
      | .daemonsets[$i].x.version = $version
      | .daemonsets[$i].metadata.generation += 1
      | if (.knobs.syncLag // 0) > 0 then .daemonsets[$i].x.lag = .knobs.syncLag else ds_sync($i) end
    end;

# The new revision is "deployed" and the one before "superseded". With kata-deploy's own
# verification hook on (verification.pod set) and OnDelete, the hook's `kubectl rollout status`
# fails: the revision is "failed" and the previous one stays deployed, as with the real chart.
def record_revision($req; $r; $entry; $verb):
  apply($r; $entry)
  | (if (computed($entry).verification.pod // "") != "" and strategy_of(computed($entry)).type == "OnDelete"
     then "failed" else "deployed" end) as $status
  | .releases[$r].history |= (if $status == "deployed" then map(if .status == "deployed" then .status = "superseded" else . end) else . end)
  | .releases[$r].history += [$entry + {status: $status, updated: "2030-01-01T00:00:00Z"}]
  | if $status == "failed" then
      .releases[$r].history[-1].description = "\($verb) failed: post-upgrade hooks failed"
      | fail(1; "Error: \($verb | ascii_upcase) FAILED: post-upgrade hooks failed: 1 error occurred:\n\t* job kata-deploy-verify failed: BackoffLimitExceeded\n")
    elif $verb == "upgrade" then
      ok("Release \"\($req.named.p1)\" has been upgraded. Happy Helming!\nNAME: \($req.named.p1)\nNAMESPACE: \($req.named.ns)\nREVISION: \($entry.revision)\nSTATUS: deployed\n")
    else ok("Rollback was a success! Happy Helming!\n") end;

# The manifest Helm would keep for chart $version: the release's DaemonSet and
# .knobs.clusterObjects[$version] (cluster-scoped objects a test gives), as JSON documents.
def manifest_of($rel; $version):
  [{apiVersion: "apps/v1", kind: "DaemonSet", metadata: {name: $rel.daemonset, namespace: $rel.namespace}}]
  + (.knobs.clusterObjects[$version] // [])
  | map(tojson) | join("\n---\n");
