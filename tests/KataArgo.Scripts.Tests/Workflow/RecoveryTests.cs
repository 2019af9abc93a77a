using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>The exit handler run again, and the recover and rollback-node entrypoints.</summary>
public sealed class RecoveryTests(ITestOutputHelper output)
{
    private static readonly string OldHash = Cluster.HashOf(Scenario.From);

    [Fact]
    public void The_exit_handler_run_twice_leaves_the_same_state()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-b").WithRelease(Scenario.From).VerificationOn("node-b", "Failed"));
        var simulator = Scenario.Simulator(sandbox);
        Assert.Equal("Failed", simulator.Run(Scenario.Parameters()).Status);
        var after = sandbox.State.Snapshot();
        var calls = sandbox.Calls.All.Count;

        var again = simulator.RunExitHandler(Scenario.Parameters(), "Failed");
        output.WriteLine(again.Transcript);

        Assert.True(again.Cleanup.Succeeded);
        Assert.Equal(after, sandbox.State.Snapshot());
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.Tool == "helm" && c.Verb == "rollback");
        Assert.Contains("rollout kata-upgrade-x7k2p is rolled back already", again.Cleanup.Stdout);
        Assert.Matches(@"node-b\s+rolled-back\s+3\.29\.0", again.Cleanup.Stdout);
    }

    [Fact]
    public void Recover_restores_a_run_that_was_terminated_without_its_exit_handler()
    {
        var terminated = SharedRuns.TerminatedAtNodeB.Result;
        var sandbox = SharedRuns.RecoveredAfterTermination.Sandbox;
        Assert.True(terminated.Terminated);
        Assert.Empty(terminated.ExitHandler);
        var atTermination = SharedRuns.TerminatedAtNodeB.Sandbox.State;
        Assert.True(atTermination.Node("node-b").Unschedulable);
        Assert.Equal(Scenario.Run, atTermination.Node("node-b").RunLabel);

        var recover = SharedRuns.RecoveredAfterTermination.Result;
        output.WriteLine(recover.Transcript);

        Assert.Equal("Succeeded", recover.Status);
        var rollback = Assert.Single(sandbox.Calls.Of("helm", "rollback"));
        Assert.Equal(["rollback", "kata-deploy", "1", "-n", "kube-system"], rollback.Command);
        foreach (var name in new[] { "node-a", "node-b" })
        {
            var node = sandbox.State.Node(name);
            Assert.Equal(("rolled-back", Scenario.From), (node.Status, node.Version));
            Assert.False(node.Unschedulable);
            Assert.Null(node.RunLabel);
            Assert.Equal(OldHash, sandbox.State.PodOn(name).Hash);
        }
        Assert.Equal("rolled-back", sandbox.State.Record(Scenario.Run)!["phase"]);
        Assert.Null(sandbox.State.Node("node-c").Status);
        // The recover workflow's own exit handler finds no record of its own and changes nothing.
        Assert.Contains("staged nothing", recover.Cleanup.Stdout);
    }

    [Fact]
    public void Rollback_node_restores_one_node_and_names_the_others_still_to_restore()
    {
        var sandbox = SharedRuns.NodeBRolledBackAfterTermination.Sandbox;

        var rollback = SharedRuns.NodeBRolledBackAfterTermination.Result;
        output.WriteLine(rollback.Transcript);

        Assert.Equal("Succeeded", rollback.Status);
        var node = sandbox.State.Node("node-b");
        Assert.Equal(("rolled-back", Scenario.From, false), (node.Status, node.Version, node.Unschedulable));
        Assert.Null(node.RunLabel);
        Assert.Equal(OldHash, sandbox.State.PodOn("node-b").Hash);
        Assert.False(node.Labels.ContainsKey(LifecycleKeys.Rollout));
        // node-a finished the upgrade and keeps its labels until the rollout is recovered as a whole.
        Assert.Equal(Scenario.Run, sandbox.State.Node("node-a").RunLabel);
        Assert.Equal(Scenario.Run, sandbox.State.Node("node-a").Labels[LifecycleKeys.Rollout]);
        Assert.Contains("node(s) node-a of rollout kata-upgrade-x7k2p are not restored yet", rollback.Step("cleanup").Stdout);
        Assert.Equal("OnDelete", sandbox.State.UpdateStrategy());
        Assert.Equal("rolling-back", sandbox.State.ConfigMap("argo", "kata-lifecycle-rollout.kube-system.kata-deploy")!["data"]!["phase"]!.ToString());
    }

    [Fact]
    public void Recover_after_a_success_rolls_nothing_back()
    {
        Assert.Equal("Succeeded", SharedRuns.TwoNodesUpgraded.Result.Status);
        var calls = SharedRuns.TwoNodesUpgraded.Sandbox.Calls.All.Count;
        var sandbox = SharedRuns.RecoveredAfterSuccess.Sandbox;

        var recover = SharedRuns.RecoveredAfterSuccess.Result;
        output.WriteLine(recover.Transcript);

        Assert.Equal("Succeeded", recover.Status);
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.IsMutating);
        Assert.All(sandbox.State.Nodes, n => Assert.Equal("completed", n.Status));
    }

    [Fact]
    public void Recover_without_a_run_record_changes_nothing()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var recover = Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["run"] = "kata-upgrade-never" },
            entrypoint: LifecycleWorkflow.Recover, name: "kata-recover-q9z8w");
        output.WriteLine(recover.Transcript);

        Assert.Equal("Succeeded", recover.Status);
        Assert.Contains("run kata-upgrade-never staged nothing", recover.Step("cleanup").Stdout);
        Assert.Empty(sandbox.Calls.Mutating);
    }
}
