using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>select-nodes.sh: which nodes, in which order, and why the others are left out.</summary>
public sealed class SelectNodesTests(ITestOutputHelper output)
{
    private static Cluster Fleet() =>
        Cluster.WithNodes("node-b", "node-10", "node-a", "node-2", "cpu-1").WithRelease(Scenario.From, without: ["cpu-1"])
            .Label("node-b", "pool", "gpu").Label("node-10", "pool", "gpu").Label("node-a", "pool", "tee").Label("cpu-1", "pool", "gpu")
            .Taint("node-10", "nvidia.com/gpu", "a100").Taint("node-b", "nvidia.com/gpu", "h100")
            .Annotate("node-2", LifecycleKeys.Status, "completed").Annotate("node-2", LifecycleKeys.CurrentVersion, Scenario.Target);

    [Theory]
    [InlineData("", "", "", "", """["node-10","node-a","node-b"]""")]
    [InlineData("pool in (gpu, tee)", "", "", "", """["node-10","node-a","node-b"]""")]
    [InlineData("pool=gpu", "nvidia.com/gpu", "", "", """["node-10","node-b"]""")]
    [InlineData("", "nvidia.com/gpu", "h100", "", """["node-b"]""")]
    [InlineData("pool!=gpu", "", "", "", """["node-a"]""")]
    [InlineData("", "", "", "node-b,node-a", """["node-a","node-b"]""")]
    public void Selects_by_label_taint_or_list_in_byte_order(string selector, string taintKey, string taintValue, string nodes, string expected)
    {
        using var sandbox = new Sandbox(Fleet());

        var result = sandbox.Run("select-nodes.sh", Scenario.Env(("NODE_SELECTOR", selector), ("NODE_TAINT_KEY", taintKey),
            ("NODE_TAINT_VALUE", taintValue), ("NODES", nodes)));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Equal(expected, result.Outputs["nodes"]);
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(expected)!.AsArray().Count.ToString(), result.Outputs["node-count"]);
        // Nothing on the nodes or the release changes: the only write is the run's plan.
        var write = Assert.Single(sandbox.Calls.Mutating);
        Assert.Equal(["create", "-f"], write.Command.Take(2));
        Assert.Equal(string.Join("\n", System.Text.Json.Nodes.JsonNode.Parse(expected)!.AsArray().Select(n => (string)n!)),
            sandbox.State.ConfigMap("argo", "kata-lifecycle-plan-" + Scenario.Run)!["data"]!["nodes"]!.GetValue<string>());
    }

    [Fact]
    public void Says_why_nodes_are_left_out()
    {
        using var sandbox = new Sandbox(Fleet());

        var result = sandbox.Run("select-nodes.sh", Scenario.Env());

        Assert.Contains("cpu-1: skipped, kata-deploy does not run on it", result.Stdout);
        Assert.Contains("node-2: skipped, already completed at 3.30.0", result.Stdout);
        Assert.Contains("plan: kata-deploy 3.29.0 -> 3.30.0 on 3 node(s)", result.Stdout);
    }

    [Theory]
    [InlineData("node-a,node-x", "nodes: no such node: node-x")]
    [InlineData("cpu-1", "nodes: cpu-1 runs no kata-deploy pod; remove it from nodes")]
    public void Refuses_an_explicit_node_that_cannot_be_upgraded(string nodes, string reason)
    {
        using var sandbox = new Sandbox(Fleet());

        var result = sandbox.Run("select-nodes.sh", Scenario.Env(("NODES", nodes)));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
    }
}
