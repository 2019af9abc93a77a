using System.Text.Json;
using System.Text.Json.Nodes;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter.Tests;

/// <summary>NodeSelection against the shared case table tests/cases/node-selection.json (select-nodes.sh passes the same table).</summary>
public class NodeSelectionTests
{
    private static readonly JsonArray Cases = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cases", "node-selection.json")))!["cases"]!.AsArray();

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => (string)c!["name"]!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case(string name)
    {
        var @case = Cases.Single(c => (string)c!["name"]! == name)!;
        var nodes = @case["nodes"]!.AsArray().Select(n => new ClusterNode(
            (string)n!["name"]!,
            Strings(n["labels"]),
            [.. n["taints"]!.AsArray().Select(t => new NodeTaint((string)t!["key"]!, (string?)t["value"] ?? "", (string)t["effect"]!))],
            Strings(n["annotations"])));
        var pods = @case["pods"]!.AsArray().Select(p => new KataDeployPod((string)p!["name"]!, (string)p["node"]!));

        var result = NodeSelection.Select(nodes, pods, Strings(@case["parameters"]));

        var expected = @case["expected"]!;
        if (expected["error"] is { } error)
        {
            Assert.NotNull(result.Error);
            Assert.Contains((string)error!, result.Error);
            return;
        }
        Assert.Null(result.Error);
        Assert.Equal(expected["selected"]!.AsArray().Select(s => (string)s!), result.Selected);
        Assert.Equal(
            expected["skipped"]!.AsArray().Select(s => $"{s!["node"]}: {s["reason"]}"),
            result.Skipped.Select(s => $"{s.Node}: {s.Reason}"));
    }

    [Fact]
    public void Every_reason_of_the_table_is_one_NodeSelection_gives()
    {
        var reasons = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cases", "node-selection.json")))!["reasons"]!.AsObject().Select(r => r.Key);
        Assert.Equal(
            [NodeSelection.ReasonNotMatchingSelector, NodeSelection.ReasonNoTaint("KEY", "VALUE").Replace("=VALUE", "[=VALUE]"), NodeSelection.ReasonNotListed, NodeSelection.ReasonNoKataDeploy, NodeSelection.ReasonCompleted("VERSION")],
            reasons);
    }

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        node?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
}
