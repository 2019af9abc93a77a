using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// select-nodes.sh (after preflight's checks) passes the same table of cases as the C#
/// NodeSelection behind `kata-argo plan`: tests/cases/node-selection.json.
/// </summary>
public sealed partial class SelectionCaseTableTests
{
    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Repo.Path("tests", "cases", "node-selection.json")))!["cases"]!.AsArray());

    public static IEnumerable<object[]> Names() => Cases.Value.Select(c => new object[] { c!["name"]!.ToString() });

    [Theory]
    [MemberData(nameof(Names))]
    public void Select_nodes_agrees_with_plan(string name)
    {
        var testCase = Cases.Value.Single(c => c!["name"]!.ToString() == name)!;
        using var sandbox = new Sandbox(ClusterOf(testCase));
        var parameters = testCase["parameters"]!.AsObject();
        string Parameter(string key) => parameters[key]?.ToString() ?? "";
        var env = Scenario.Env(
            ("TARGET_VERSION", Parameter("target-version")), ("NODE_SELECTOR", Parameter("node-selector")),
            ("NODE_TAINT_KEY", Parameter("node-taint-key")), ("NODE_TAINT_VALUE", Parameter("node-taint-value")),
            ("NODES", Parameter("nodes")));

        var preflight = sandbox.Run("preflight.sh", env);
        var result = preflight.Succeeded ? sandbox.Run("select-nodes.sh", env) : preflight;
        var expected = testCase["expected"]!;

        if (expected["error"] is { } error)
        {
            Assert.False(result.Succeeded, result.ToString());
            Assert.StartsWith("error: " + error, result.Stderr.TrimEnd('\n').Split('\n')[^1]);
            return;
        }
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(expected["selected"]!.ToJsonString(), result.Outputs["nodes"]);
        var skipped = Skipped().Matches(result.Stdout).Select(m => (m.Groups[1].Value, m.Groups[2].Value));
        Assert.Equal(expected["skipped"]!.AsArray().Select(s => (s!["node"]!.ToString(), s["reason"]!.ToString())), skipped);
    }

    private static Cluster ClusterOf(JsonNode testCase)
    {
        var nodes = testCase["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        var podNodes = testCase["pods"]!.AsArray().Select(p => p!["node"]!.ToString()).ToList();
        // A case lists the nodes the API returned for the selector; a pod elsewhere is on a node it left out.
        var names = nodes.Select(n => n["name"]!.ToString()).ToList();
        var cluster = Cluster.WithNodes([.. names, .. podNodes.Where(n => n.Length > 0 && !names.Contains(n)).Distinct()]);
        foreach (var node in nodes)
        {
            var name = node["name"]!.ToString();
            foreach (var (key, value) in node["labels"]!.AsObject())
                cluster.Label(name, key, value!.ToString());
            foreach (var (key, value) in node["annotations"]!.AsObject())
                cluster.Annotate(name, key, value!.ToString());
            foreach (var taint in node["taints"]!.AsArray())
                cluster.Taint(name, taint!["key"]!.ToString(), taint["value"]?.ToString() ?? "", taint["effect"]!.ToString());
        }
        cluster.WithRelease(Scenario.From, without: [.. names.Where(n => !podNodes.Contains(n))]);
        foreach (var _ in podNodes.Where(n => n.Length == 0))
            cluster.WithPod(UnscheduledPod());
        return cluster;
    }

    /// <summary>A kata-deploy pod the scheduler has not placed yet: it runs on no node.</summary>
    private static JsonObject UnscheduledPod() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = "kata-deploy-pending",
            ["namespace"] = Cluster.DefaultNamespace,
            ["labels"] = new JsonObject { ["name"] = "kata-deploy", ["controller-revision-hash"] = Cluster.HashOf(Scenario.From) },
        },
        ["spec"] = new JsonObject(),
        ["status"] = new JsonObject { ["phase"] = "Pending" },
    };

    [GeneratedRegex(@"(?m)^(\S+): skipped, (.*)$")]
    private static partial Regex Skipped();
}
