# helm upgrade RELEASE CHART --version V -n NS (--reset-values | --reset-then-reuse-values)
# [-f JSON-FILE]... [--set k.e.y=value]... [--dry-run=server [-o json]]

# Helm's CoalesceTables(dst = the new overrides, src = the previous config): a null override
# deletes a key the previous config has, and stays otherwise.
def coalesce($src):
  if type != "object" or ($src | type) != "object" then .
  else reduce ($src | keys_unsorted[]) as $k (.;
    if has($k) | not then .[$k] = $src[$k]
    elif .[$k] == null then del(.[$k])
    elif (.[$k] | type) == "object" and ($src[$k] | type) == "object" then .[$k] |= coalesce($src[$k])
    else . end)
  end;

def deep_merge($over):
  if type == "object" and ($over | type) == "object" then
    reduce ($over | keys_unsorted[]) as $k (.; .[$k] |= deep_merge($over[$k]))
  else $over end;

# --set key.path=value (double.sh refuses lists, escapes and commas), typed as Helm's strvals
# types it.
def set_value($a):
  ($a | index("=")) as $eq
  | ($a[$eq + 1:]) as $raw
  | setpath($a[:$eq] | split(".");
      if $raw == "null" then null elif $raw == "true" then true elif $raw == "false" then false
      elif $raw != "" and ($raw | explode | all(.[]; . >= 48 and . <= 57)) then ($raw | tonumber) else $raw end);

def op_helm_upgrade($req):
  release_index($req; $req.named.p1) as $r
  | [range(0; $req.named.nfiles | tonumber) as $i | $req.named["file\($i)"] | try fromjson catch "not json"] as $files
  | if $r == null then fail(1; "Error: UPGRADE FAILED: \"\($req.named.p1)\" has no deployed releases\n")
    elif any($files[]; type != "object") then refused($req; "values files must be JSON objects")
    elif .knobs.charts != null and ((.knobs.charts | index([$req.named.version])) == null) then
      fail(1; "Error: chart \"kata-deploy\" version \"\($req.named.version)\" not found in \($req.named.p2) repository\n")
    else
      (reduce $files[] as $f ({}; deep_merge($f))) as $from_files
      | (reduce range(0; $req.named.nsets | tonumber) as $i ($from_files; set_value($req.named["set\($i)"]))) as $overrides
      | .releases[$r].history as $h
      | (first($h | sort_by(.revision) | reverse[] | select(.status == "deployed")) // ($h | max_by(.revision))) as $current
      | (if $req.named.reuse == "true" then $overrides | coalesce($current.config // {}) else $overrides end) as $config
      | (($h | max_by(.revision)).revision + 1) as $next
      | if $req.named.dryrun == "server" and $req.named.output == "json" then
          ok({name: $req.named.p1, namespace: $req.named.ns, version: $next,
              info: {status: "pending-upgrade", description: "Dry run complete"},
              chart: {metadata: {name: "kata-deploy", version: $req.named.version}},
              config: $config, manifest: (manifest_of(.releases[$r]; $req.named.version) + "\n")} | tojson + "\n")
        elif $req.named.dryrun == "server" then
          ok("Release \"\($req.named.p1)\" has been upgraded. Happy Helming!\nNAME: \($req.named.p1)\nNAMESPACE: \($req.named.ns)\nSTATUS: pending-upgrade\nREVISION: \($next)\nDESCRIPTION: Dry run complete\n")
        else record_revision($req; $r; {revision: $next, chart: "kata-deploy-\($req.named.version)",
          app_version: $req.named.version, chartRef: $req.named.p2, description: "Upgrade complete", config: $config}; "upgrade") end
    end;
