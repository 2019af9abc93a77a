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
        using var sandbox = new Sandbox(Scenario.TwoNodes().VerificationOn("node-b", "Failed"));
        var terminated = new WorkflowSimulator(sandbox, WorkflowSimulator.Rendered())
        {
            // argo terminate while node-b's pod runs: the pod is killed, no exit handler runs.
            TerminateAfter = step => step.Node == "node-b",
        }.Run(Scenario.Parameters());
        Assert.True(terminated.Terminated);
        Assert.Empty(terminated.ExitHandler);
        Assert.True(sandbox.State.Node("node-b").Unschedulable);
        Assert.Equal(Scenario.Run, sandbox.State.Node("node-b").RunLabel);

        var recover = Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["run"] = Scenario.Run },
            entrypoint: LifecycleWorkflow.Recover, name: "kata-recover-q9z8w", uid: "6d0c9f3a-1b2e-4c5d-8e7f-0a1b2c3d4e5f");
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
        // The recover workflow's own exit handler finds no record of its own and changes nothing.
        Assert.Contains("staged nothing", recover.Cleanup.Stdout);
    }

    [Fact]
    public void Rollback_node_restores_one_node_and_names_the_others_still_to_restore()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().VerificationOn("node-b", "Failed"));
        new WorkflowSimulator(sandbox, WorkflowSimulator.Rendered())
        {
            TerminateAfter = step => step.Node == "node-b",
        }.Run(Scenario.Parameters());

        var rollback = Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["node-name"] = "node-b" },
            entrypoint: LifecycleWorkflow.RollbackNode, name: "kata-rollback-node-r2d2x", uid: "7e1d0a4b-2c3f-4d6e-9f80-1b2c3d4e5f60");
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
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From));
        Assert.Equal("Succeeded", Scenario.Upgrade(sandbox).Status);
        var calls = sandbox.Calls.All.Count;

        var recover = Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["run"] = Scenario.Run },
            entrypoint: LifecycleWorkflow.Recover, name: "kata-recover-q9z8w");
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
