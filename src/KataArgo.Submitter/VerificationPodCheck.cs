using System.Text;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// The checks preflight (templates/steps/preflight.sh) makes on <c>-p verification-pod</c> that need
/// no cluster, made before anything is sent, with preflight's messages: valid base64 of UTF-8 YAML
/// holding exactly one object, a Pod, that uses <c>${NODE}</c>, is pinned to it (spec.nodeName, a
/// spec.nodeSelector value, or required node affinity terms that all name it), and whose
/// restartPolicy lets it end (not Always).
/// </summary>
public static class VerificationPodCheck
{
    private const string Node = "${NODE}";

    /// <summary>Null when preflight would accept the manifest, else its one-line refusal.</summary>
    public static string? Check(string base64)
    {
        var name = WorkflowParameters.VerificationPod.Name;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return $"{name}: the value is not valid base64; pass the Pod manifest encoded, e.g. -p {name}=$(base64 -w0 pod.yaml)";
        }
        List<JsonNode?> objects;
        try
        {
            objects = [.. ArgoYaml.LoadAll(text).Select(d => d.Root)
                .SelectMany(o => o is JsonObject { } list && list["kind"]?.ToString() == "List" ? list["items"] as JsonArray ?? [] : [o])];
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            return $"{name}: the manifest is not YAML: {e.Message.ReplaceLineEndings(" ")}";
        }
        if (objects.Count != 1)
            return $"{name}: the manifest holds {objects.Count} objects; give exactly one Pod";
        if (objects[0] is not JsonObject pod)
            return $"{name}: the manifest is a {Describe(objects[0])}, not a Pod";
        var kind = pod["kind"]?.ToString();
        if (kind != "Pod")
            return $"{name}: the manifest is a {(string.IsNullOrEmpty(kind) ? "object without kind" : kind)}, not a Pod";
        if (!Strings(pod).Any(s => s.Contains(Node, StringComparison.Ordinal)))
            return $"{name}: the manifest does not use {Node}";
        if (!IsPinned(pod["spec"] as JsonObject))
            return $"{name}: the pod is not pinned to {Node} (spec.nodeName, a spec.nodeSelector value or a required node affinity); it could verify another node";
        var restartPolicy = pod["spec"]?["restartPolicy"]?.ToString();
        if (restartPolicy is null or "Always")
            return $"{name}: restartPolicy is {restartPolicy ?? "Always (the default)"}; use Never so the pod ends Succeeded or Failed";
        return null;
    }

    private static bool IsPinned(JsonObject? spec)
    {
        if (spec is null)
            return false;
        if (spec["nodeName"]?.ToString() == Node)
            return true;
        if (spec["nodeSelector"] is JsonObject selector && selector.Any(p => p.Value?.ToString() == Node))
            return true;
        var terms = spec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray;
        return terms is { Count: > 0 } && terms.All(term =>
            new[] { "matchExpressions", "matchFields" }.SelectMany(key => term?[key] as JsonArray ?? []).Any(requirement =>
                requirement?["operator"]?.ToString() == "In"
                && requirement["values"] is JsonArray { Count: 1 } values && values[0]?.ToString() == Node));
    }

    /// <summary>Every string value in the document (not keys), as jq's <c>.. | strings</c>.</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "list",
        _ => "scalar",
    };
}
