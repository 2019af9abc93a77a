using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>Whole runs that choose few or no nodes, or another release, and succeed.</summary>
public sealed class SelectionTests(ITestOutputHelper output)
{
    [Fact]
    public void Zero_matching_nodes_succeeds_and_changes_nothing()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());

        var run = Scenario.Upgrade(sandbox, ("node-selector", "pool=none"));
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Equal("0", run.Step("select-nodes").Outputs["node-count"]);
        Assert.Contains("plan: no node to upgrade", run.Step("select-nodes").Stdout);
        // finish runs with no node too (it completes a rollout whose finish failed); here there is none.
        Assert.Equal(["preflight", "select-nodes", "finish"], run.Steps.Select(s => s.Name));
        Assert.Contains("no rollout of kube-system/kata-deploy is recorded; nothing to finish", run.Step("finish").Stdout);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void Dry_run_prints_the_plan_and_changes_nothing()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());

        var run = Scenario.Upgrade(sandbox, ("dry-run", "true"), ("drain-enabled", "true"));
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("per node: cordon, drain, recycle the kata-deploy pod, verify, uncordon", run.Step("select-nodes").Stdout);
        Assert.Contains("dry-run: stopping after the plan", run.Step("select-nodes").Stdout);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void A_canary_upgrades_one_node_and_leaves_the_fleet_mixed_on_purpose()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());

        var run = Scenario.Upgrade(sandbox, ("nodes", "node-b"));
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Equal(["node-b"], run.StepsNamed(LifecycleWorkflow.UpgradeNode).Select(s => s.Node));
        Assert.Contains("finish: still on the old version (not selected by this run): node-a, node-c", run.Step("finish").Stdout);
        Assert.Equal("OnDelete", sandbox.State.UpdateStrategy());
        Assert.Equal(2, sandbox.State.History().Count);
        Assert.Equal(Cluster.HashOf(Scenario.Target), sandbox.State.PodOn("node-b").Hash);
        Assert.Equal(Cluster.HashOf(Scenario.From), sandbox.State.PodOn("node-a").Hash);
        Assert.Null(sandbox.State.Node("node-a").Status);
    }

    [Fact]
    public void A_multi_install_release_is_found_by_its_own_daemonset()
    {
        var cluster = Cluster.WithNodes("node-a", "node-b").WithRelease(Scenario.From)
            .WithRelease(Scenario.From, release: "kata-deploy-gpu", suffix: "gpu");
        using var sandbox = new Sandbox(cluster);
        var plain = sandbox.State.Pods.Where(p => p.Labels["name"] == "kata-deploy").Select(p => p.Name).ToList();

        var run = Scenario.Upgrade(sandbox, ("helm-release", "kata-deploy-gpu"));
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Equal("kata-deploy-gpu", run.Step("preflight").Outputs["daemonset"]);
        Assert.Contains(sandbox.Calls.All, c => c.Argv.Contains("name=kata-deploy-gpu"));
        Assert.All(new[] { "node-a", "node-b" }, n => Assert.Equal(Cluster.HashOf(Scenario.Target), sandbox.State.PodOn(n, "kata-deploy-gpu").Hash));
        Assert.Equal(plain, sandbox.State.Pods.Where(p => p.Labels["name"] == "kata-deploy").Select(p => p.Name));
        Assert.Single(sandbox.State.History());
        Assert.Equal(3, sandbox.State.History("kata-deploy-gpu").Count);
    }

    [Fact]
    public void Steps_wait_for_the_daemonset_controller_to_observe_a_new_spec()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).SyncLag(2));

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Equal(Cluster.HashOf(Scenario.Target), sandbox.State.PodOn("node-a").Hash);
        Assert.Equal("completed", sandbox.State.Node("node-a").Status);
        Assert.Contains(sandbox.Calls.All, c => c.Verb == "get" && c.Command[1] == "daemonset");
    }
}
