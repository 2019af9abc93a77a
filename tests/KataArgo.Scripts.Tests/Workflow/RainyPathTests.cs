using KataArgo.Lifecycle;
using System.Text.Json.Nodes;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>Whole runs that fail, and what the exit handler then restores.</summary>
public sealed class RainyPathTests(ITestOutputHelper output)
{
    private static readonly string OldHash = Cluster.HashOf(Scenario.From);

    [Fact]
    public void A_failed_verification_rolls_back_to_the_recorded_revision_and_restores_only_the_touched_nodes()
    {
        // Revision 2 is what preflight records; "previous" of the final rollback would be the
        // rollback's own upgrade, not the recorded revision.
        var sandbox = SharedRuns.FailedVerification.Sandbox;
        var untouched = SharedRuns.FailedVerification.Before.PodOn("node-c").Name;

        var run = SharedRuns.FailedVerification.Result;
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        var failed = run.Step(LifecycleWorkflow.UpgradeNode, "node-b");
        Assert.False(failed.Succeeded);
        Assert.Contains("node-b: verification failed (pod phase Failed)", failed.Stderr);
        // What Argo shows for the node: the phase it reached (progress 4/5) and why it failed.
        Assert.Equal("4/5", failed.Progress);
        Assert.Matches(@"^node-b: verify failed: verification failed \(pod phase Failed\) after \d+s$", failed.TerminationMessage);
        Assert.DoesNotContain(run.Steps, s => s.Node == "node-c");
        var rollback = Assert.Single(sandbox.Calls.Of("helm", "rollback"));
        Assert.Equal(["rollback", "kata-deploy", "2", "-n", "kube-system"], rollback.Command);
        var restored = sandbox.State.History().Last();
        Assert.Equal((5, "3.29.0", "deployed"), (restored.Number, restored.Version, restored.Status));
        Assert.Equal("""{"debug":true}""", restored.Config!.ToJsonString());
        foreach (var name in new[] { "node-a", "node-b" })
        {
            var node = sandbox.State.Node(name);
            Assert.Equal(("rolled-back", "rolled-back"), (node.Status, node.StatusLabel));
            Assert.Equal((Scenario.From, Scenario.From), (node.Version, node.VersionLabel));
            Assert.False(node.Unschedulable);
            Assert.Null(node.RunLabel);
            var pod = sandbox.State.PodOn(name);
            Assert.Equal(OldHash, pod.Hash);
            Assert.True(pod.Ready);
        }
        Assert.Equal(untouched, sandbox.State.PodOn("node-c").Name);
        Assert.Null(sandbox.State.Node("node-c").Status);
        Assert.Equal("rolled-back", sandbox.State.Record(Scenario.Run)!["phase"]);
        Assert.Matches(@"node-c\s+not reached", run.Cleanup.Stdout);
        Assert.Matches(@"node-b\s+rolled-back\s+3\.29\.0", run.Cleanup.Stdout);
        Assert.DoesNotContain(sandbox.State.Pods, p => p.Namespace == "default");
    }

    [Fact]
    public void A_release_someone_upgraded_during_the_run_is_not_rolled_back_and_nothing_changes()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes().VerificationOn("node-b", "Failed"));
        var simulator = new WorkflowSimulator(sandbox, WorkflowSimulator.Rendered())
        {
            BeforeStep = (step, node) =>
            {
                if (step == LifecycleWorkflow.UpgradeNode && node == "node-b")
                    sandbox.Change(state => AddRevision(state, new JsonObject { ["logLevel"] = "debug" }));
            },
        };

        var run = simulator.Run(Scenario.Parameters());
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        Assert.False(run.Cleanup.Succeeded);
        Assert.StartsWith("cleanup: release kube-system/kata-deploy is revision 3 (kata-deploy-3.30.0, deployed), which rollout kata-upgrade-x7k2p did not make",
            run.Cleanup.TerminationMessage);
        Assert.Empty(sandbox.Calls.Of("helm", "rollback"));
        Assert.Equal(3, sandbox.State.History().Count);
        Assert.Equal("staged", sandbox.State.ConfigMap("argo", "kata-lifecycle-rollout.kube-system.kata-deploy")!["data"]!["phase"]!.ToString());
    }

    [Fact]
    public void With_an_OnDelete_release_the_exit_handler_recycles_exactly_the_touched_nodes()
    {
        var onDelete = new JsonObject { ["updateStrategy"] = new JsonObject { ["type"] = "OnDelete" } };
        var cluster = Cluster.WithNodes("node-a", "node-b").WithRelease(Scenario.From, values: onDelete).VerificationOn("node-a", "Failed");
        using var sandbox = new Sandbox(cluster);
        var untouched = sandbox.State.PodOn("node-b").Name;

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        // The rollback keeps OnDelete, so no controller replaces pods: the exit handler does, on node-a only.
        var afterRollback = sandbox.Calls.All.SkipWhile(c => !(c.Tool == "helm" && c.Verb == "upgrade" && c.Flag("--version") == Scenario.From)).ToList();
        var deleted = afterRollback.Where(c => c.Verb == "delete" && c.Command[1] == "pod").Select(c => c.Command[2]).ToList();
        Assert.Single(deleted);
        Assert.StartsWith("kata-deploy-", deleted[0]);
        Assert.Equal(OldHash, sandbox.State.PodOn("node-a").Hash);
        Assert.Equal(untouched, sandbox.State.PodOn("node-b").Name);
        Assert.Equal("OnDelete", sandbox.State.UpdateStrategy());
        Assert.Equal("rolled-back", sandbox.State.Node("node-a").Status);
    }

    [Fact]
    public void A_node_cordoned_by_an_admin_stays_cordoned_after_a_rollback()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().Cordoned("node-b").VerificationOn("node-b", "Failed"));

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        Assert.False(sandbox.State.Node("node-a").Unschedulable);
        var admin = sandbox.State.Node("node-b");
        Assert.True(admin.Unschedulable);
        Assert.Equal("rolled-back", admin.Status);
        Assert.Contains("node-b: rolled back to kata-deploy 3.29.0; left cordoned (it was unschedulable before the rollout)", run.Cleanup.Stdout);
    }

    [Fact]
    public void A_failed_stage_upgrade_cordons_nothing_and_leaves_the_release_alone()
    {
        // Preflight's dry run passes; stage's upgrade fails.
        var cluster = Scenario.ThreeNodes().Fail("helm", "upgrade",
            "Error: UPGRADE FAILED: unable to build kubernetes objects from new release manifest: resource mapping not found", unless: "--dry-run");
        using var sandbox = new Sandbox(cluster);

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        var stage = run.Step("stage");
        Assert.False(stage.Succeeded);
        Assert.Contains("helm: Error: UPGRADE FAILED: unable to build kubernetes objects", stage.Stdout);
        Assert.Contains("no node was cordoned", stage.Stderr);
        Assert.Equal(["preflight", "select-nodes", "stage"], run.Steps.Select(s => s.Name));
        Assert.Empty(sandbox.Calls.Of("helm", "rollback"));
        Assert.Single(sandbox.State.History());
        Assert.All(sandbox.State.Nodes, n => Assert.False(n.Unschedulable));
        Assert.All(sandbox.State.Nodes, n => Assert.Null(n.RunLabel));
        Assert.DoesNotContain(sandbox.Calls.Mutating, c => c.Tool == "kubectl" && c.Command[1] == "node");
        Assert.Equal("rolled-back", sandbox.State.ConfigMap("argo", "kata-lifecycle-rollout.kube-system.kata-deploy")!["data"]!["phase"]!.ToString());
    }

    [Fact]
    public void A_recycle_timeout_explains_the_pod_fails_and_the_exit_handler_recovers()
    {
        var sandbox = SharedRuns.RecycleTimedOut.Sandbox;

        var run = SharedRuns.RecycleTimedOut.Result;
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        var recycle = run.Step(LifecycleWorkflow.UpgradeNode, "node-a");
        Assert.False(recycle.Succeeded);
        Assert.Contains("condition Ready=False (ContainersNotReady)", recycle.Stdout);
        Assert.Contains("container kube-kata: ready=false, restarts=4, waiting (CrashLoopBackOff)", recycle.Stdout);
        Assert.Contains("Warning Unhealthy: Readiness probe failed", recycle.Stdout);
        Assert.Contains("kata-deploy: containerd restart failed: exit status 1", recycle.Stdout);
        Assert.Contains("within 1s (recycle-timeout)", recycle.Stderr);
        Assert.StartsWith("node-a: recycle failed: no kata-deploy pod on revision", recycle.TerminationMessage);
        Assert.DoesNotContain("node-a: verifying", recycle.Stdout);
        Assert.Equal("rolled-back", sandbox.State.Node("node-a").Status);
        Assert.False(sandbox.State.Node("node-a").Unschedulable);
        Assert.Equal(OldHash, sandbox.State.PodOn("node-a").Hash);
        Assert.True(sandbox.State.PodOn("node-a").Ready);
    }

    [Fact]
    public void A_blocked_drain_fails_the_node_and_the_exit_handler_uncordons_it()
    {
        var cluster = Cluster.WithNodes("node-a").WithRelease(Scenario.From).WithPod(SunnyPathTests.Workload("db-0", "node-a", blocksEviction: true));
        using var sandbox = new Sandbox(cluster);

        var run = Scenario.Upgrade(sandbox, ("drain-enabled", "true"));
        output.WriteLine(run.Transcript);

        Assert.Equal("Failed", run.Status);
        var node = run.Step(LifecycleWorkflow.UpgradeNode, "node-a");
        Assert.Contains("Cannot evict pod as it would violate the pod's disruption budget", node.Stdout);
        Assert.StartsWith("node-a: drain failed: drain did not finish", node.TerminationMessage);
        Assert.DoesNotContain("node-a: upgrading", node.Stdout);
        Assert.Equal("rolled-back", sandbox.State.Node("node-a").Status);
        Assert.False(sandbox.State.Node("node-a").Unschedulable);
    }

    /// <summary>Someone else's helm upgrade of the release during the run (same chart, one more value).</summary>
    internal static void AddRevision(JsonObject state, JsonObject values)
    {
        var history = state["releases"]![0]!["history"]!.AsArray();
        var last = history.Select(h => h!.AsObject()).MaxBy(h => (int)h["revision"]!)!;
        foreach (var entry in history)
            if ((string?)entry!["status"] == "deployed")
                entry["status"] = "superseded";
        var next = last.DeepClone().AsObject();
        next["revision"] = (int)last["revision"]! + 1;
        next["status"] = "deployed";
        next["description"] = "Upgrade complete";
        foreach (var (key, value) in values)
            next["config"]![key] = value?.DeepClone();
        history.Add(next);
    }
}
