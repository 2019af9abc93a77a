using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>cleanup.sh's refusals and its handling of what a run left behind.</summary>
public sealed class CleanupTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("restore", "", "", "", "mode: 'restore' is not exit, recover or node")]
    [InlineData("exit", "", "", "Failed", "run: a value is required")]
    [InlineData("exit", Scenario.Run, "", "", "workflow-status: a value is required")]
    [InlineData("recover", "", "", "", "run: a value is required; name the run to recover")]
    [InlineData("node", "", "", "", "node-name: a value is required")]
    [InlineData("node", "", "node-a", "", "node-name: node-a is not labelled by a rollout")]
    public void Refuses_what_it_cannot_act_on(string mode, string run, string node, string status, string reason)
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From));

        var result = sandbox.Run("cleanup.sh", Scenario.Env(("MODE", mode), ("RUN", run), ("NODE_NAME", node), ("WORKFLOW_STATUS", status)));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void Nodes_labelled_by_a_run_without_a_record_are_reported_not_touched()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).Cordoned("node-a").Label("node-a", LifecycleKeys.Run, Scenario.Run));

        var result = sandbox.Run("cleanup.sh", Scenario.Env(("MODE", "exit"), ("WORKFLOW_STATUS", "Failed")));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nodes node-a carry the label of run kata-upgrade-x7k2p, but no rollout record in argo names it", result.Stderr);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void Leftover_verification_pods_of_the_run_are_deleted()
    {
        var leftover = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "kata-verify-node-a-0123456789", ["namespace"] = "default", ["labels"] = new JsonObject { [LifecycleKeys.Run] = Scenario.Run } },
            ["spec"] = new JsonObject { ["nodeName"] = "node-a" },
        };
        var other = leftover.DeepClone().AsObject();
        other["metadata"]!["name"] = "someone-else";
        other["metadata"]!["labels"] = new JsonObject();
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From)
            .WithConfigMap(GuardTests.Record("staged")).WithConfigMap(GuardTests.RolloutRecord("staged")).WithPod(leftover).WithPod(other));

        var result = sandbox.Run("cleanup.sh", Scenario.Env(("MODE", "exit"), ("WORKFLOW_STATUS", "Error")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Contains("cleanup: leftover verification pod \"kata-verify-node-a-0123456789\" deleted", result.Stdout);
        Assert.DoesNotContain(sandbox.State.Pods, p => p.Name == "kata-verify-node-a-0123456789");
        Assert.Contains(sandbox.State.Pods, p => p.Name == "someone-else");
        Assert.Equal("rolled-back", sandbox.State.Record(Scenario.Run)!["phase"]);
    }
}
