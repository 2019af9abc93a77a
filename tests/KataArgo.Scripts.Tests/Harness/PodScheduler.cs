using System.Text.Json.Nodes;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// The scheduler's choice for a step pod, as far as the simulator needs it: the first node by name
/// that is schedulable and meets a required node affinity (matchExpressions on labels with In,
/// NotIn, Exists, DoesNotExist; matchFields on metadata.name with In, NotIn; terms ORed,
/// requirements ANDed, as Kubernetes' nodeaffinity plugin does).
/// </summary>
public static class PodScheduler
{
    public static string? Place(ClusterState state, JsonNode? affinity)
    {
        var terms = affinity?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.AsArray();
        return state.Nodes.Where(n => !n.Unschedulable)
            .Where(n => terms is null || terms.Any(t => Matches(n, t!)))
            .Select(n => n.Name).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static bool Matches(NodeView node, JsonNode term) =>
        (term["matchExpressions"]?.AsArray() ?? []).All(r => Holds(node.Labels.GetValueOrDefault((string)r!["key"]!), r!))
        && (term["matchFields"]?.AsArray() ?? []).All(r => (string)r!["key"]! == "metadata.name"
            ? Holds(node.Name, r!)
            : throw new InvalidOperationException($"matchFields key {(string?)r["key"]} is not modelled"));

    private static bool Holds(string? value, JsonNode requirement)
    {
        var values = requirement["values"]?.AsArray().Select(v => (string)v!).ToList() ?? [];
        return (string)requirement["operator"]! switch
        {
            "In" => value is not null && values.Contains(value),
            "NotIn" => value is null || !values.Contains(value),
            "Exists" => value is not null,
            "DoesNotExist" => value is null,
            var op => throw new InvalidOperationException($"node affinity operator {op} is not modelled"),
        };
    }
}
