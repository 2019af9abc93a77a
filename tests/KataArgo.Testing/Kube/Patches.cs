using System.Text.Json.Nodes;

namespace KataArgo.Testing.Kube;

/// <summary>
/// The patch types Helm and kubectl send: JSON merge patch (RFC 7386), strategic merge patch
/// (Kubernetes' patch strategies of the fields kata-deploy's objects use, with the $patch,
/// $retainKeys, $setElementOrder and $deleteFromPrimitiveList directives), and server-side apply,
/// approximated as "the applied configuration replaces the object's", which is what Helm (the only
/// field manager of its objects) gets.
/// </summary>
public static class Patches
{
    /// <summary>Lists merged by a key under the strategic merge patch (k8s.io/api patchMergeKey tags); other lists are replaced.</summary>
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name", ["initContainers"] = "name", ["ephemeralContainers"] = "name", ["env"] = "name",
        ["volumes"] = "name", ["volumeMounts"] = "mountPath", ["volumeDevices"] = "devicePath", ["ports"] = "containerPort",
        ["imagePullSecrets"] = "name", ["hostAliases"] = "ip", ["ownerReferences"] = "uid", ["conditions"] = "type",
        ["topologySpreadConstraints"] = "topologyKey", ["resourceClaims"] = "name",
    };

    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
            return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null)
                result.Remove(key);
            else
                result[key] = MergePatch(result[key], value);
        }
        return result;
    }

    public static JsonObject StrategicMergePatch(JsonObject target, JsonObject patch) => (JsonObject)Strategic(target, patch)!;

    private static JsonNode? Strategic(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
            return patch?.DeepClone();
        if ((string?)p["$patch"] == "replace")
        {
            var replaced = (JsonObject)p.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key is "$patch" or "$retainKeys")
                continue;
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray gone)
                    result[field] = new JsonArray([.. list.Where(x => !gone.Any(g => JsonNode.DeepEquals(g, x))).Select(x => x?.DeepClone())]);
                continue;
            }
            if (value is null)
                result.Remove(key);
            else if (value is JsonArray items && MergeKeys.TryGetValue(key, out var mergeKey) && items.All(i => i is JsonObject))
                result[key] = MergeList(result[key] as JsonArray, items, mergeKey);
            else if (value is JsonObject)
                result[key] = Strategic(result[key], value);
            else
                result[key] = value.DeepClone();
        }
        if (p["$retainKeys"] is JsonArray retain)
            foreach (var key in result.Select(x => x.Key).ToList())
                if (!retain.Any(r => (string?)r == key))
                    result.Remove(key);
        return result;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string mergeKey)
    {
        var result = target is null ? [] : (JsonArray)target.DeepClone();
        foreach (var item in patch.Cast<JsonObject>())
        {
            var key = item[mergeKey];
            var existing = result.FirstOrDefault(x => JsonNode.DeepEquals(x?[mergeKey], key));
            if ((string?)item["$patch"] == "delete")
            {
                if (existing is not null)
                    result.Remove(existing);
            }
            else if (existing is not null)
                result[result.IndexOf(existing)] = Strategic(existing, item);
            else
                result.Add(Strategic(null, item));
        }
        return result;
    }

    /// <summary>Server-side apply by the object's only manager: the applied object, with the live object's server-set metadata and status.</summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied)
    {
        var result = (JsonObject)applied.DeepClone();
        if (live is null)
            return result;
        var meta = result.Meta();
        foreach (var field in new[] { "uid", "creationTimestamp", "generation", "ownerReferences", "finalizers" })
            if (live.Meta()[field] is { } value && meta[field] is null)
                meta[field] = value.DeepClone();
        if (live["status"] is { } status)
            result["status"] = status.DeepClone();
        return result;
    }
}
