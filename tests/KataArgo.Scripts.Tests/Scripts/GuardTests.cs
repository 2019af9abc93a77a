using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>Steps that refuse to act on a cluster another run, a person, or an earlier rollback changed.</summary>
public sealed class GuardTests(ITestOutputHelper output)
{
    [Fact]
    public void Stage_refuses_a_release_that_moved_since_preflight()
    {
        var cluster = Cluster.WithNodes("node-a").WithRelease(Scenario.From, history:
            [new Revision(1, Scenario.From, "superseded"), new Revision(2, Scenario.From, "deployed")]);
        using var sandbox = new Sandbox(cluster);

        var result = sandbox.Run("stage.sh", Scenario.Env(("RELEASE_REVISION", "1"), ("UPDATE_STRATEGY", "{}")));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is now revision 2 (deployed), not revision 1 seen by preflight", result.Stderr);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Theory]
    [InlineData("cordon.sh")]
    [InlineData("finish.sh")]
    public void A_run_that_was_rolled_back_is_not_continued(string script)
    {
        // argo retry of a run whose exit handler already rolled it back.
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).WithConfigMap(Record("rolled-back"))
            .WithConfigMap(RolloutRecord("rolled-back")));

        var result = sandbox.Run(script, Scenario.Env(("NODE", "node-a"), ("RELEASE_REVISION", "1")));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rolled back", result.Stderr);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void Cordon_refuses_a_node_another_run_still_holds()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).Label("node-a", LifecycleKeys.Run, "kata-upgrade-older"));

        var result = sandbox.Run("cordon.sh", Scenario.Env(("NODE", "node-a"), ("WORKFLOW_NAMESPACE", "")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("still labelled by run kata-upgrade-older", result.Stderr);
        Assert.Contains("--entrypoint recover -p run=kata-upgrade-older", result.Stderr);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void A_retried_cordon_keeps_the_first_record_of_the_node_s_schedulability()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From));
        var env = Scenario.Env(("NODE", "node-a"), ("WORKFLOW_NAMESPACE", ""));

        Assert.True(sandbox.Run("cordon.sh", env).Succeeded);
        var again = sandbox.Run("cordon.sh", env);

        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal("false", sandbox.State.Node("node-a").Annotations[LifecycleKeys.WasUnschedulable]);
        Assert.True(sandbox.State.Node("node-a").Unschedulable);
    }

    [Fact]
    public void Uncordon_refuses_a_node_this_run_did_not_cordon()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).Cordoned("node-a"));

        var result = sandbox.Run("uncordon.sh", Scenario.Env(("NODE", "node-a")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not labelled by this run", result.Stderr);
        Assert.True(sandbox.State.Node("node-a").Unschedulable);
        Assert.Equal("failed", sandbox.State.Node("node-a").Status);
    }

    /// <summary>The rollout record of a rollout the run opened, in the given phase.</summary>
    internal static JsonObject RolloutRecord(string phase, string run = Scenario.Run) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"{LifecycleKeys.RolloutRecordPrefix}kube-system.kata-deploy",
            ["namespace"] = "argo",
            ["labels"] = new JsonObject { [LifecycleKeys.Rollout] = run },
        },
        ["data"] = new JsonObject
        {
            ["rollout"] = run, ["release"] = "kata-deploy", ["namespace"] = "kube-system", ["chart"] = WorkflowParameters.DefaultKataDeployChart,
            ["daemonset"] = "kata-deploy", ["pre-rollout-revision"] = "1", ["pre-rollout-version"] = Scenario.From,
            ["pre-rollout-update-strategy"] = "{}", ["target-version"] = Scenario.Target, ["staged-revision"] = "2", ["phase"] = phase,
            ["runs"] = run, ["drain"] = "false", ["drain-timeout"] = "300s", ["verification-namespace"] = "default",
            ["rollback-revision"] = "", ["finish-revisions"] = "",
        },
    };

    internal static JsonObject Record(string phase, string run = Scenario.Run) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject
        {
            ["name"] = LifecycleKeys.RunRecordPrefix + run,
            ["namespace"] = "argo",
            ["labels"] = new JsonObject { [LifecycleKeys.Run] = run },
        },
        ["data"] = new JsonObject
        {
            ["run"] = run, ["release"] = "kata-deploy", ["namespace"] = "kube-system", ["chart"] = WorkflowParameters.DefaultKataDeployChart,
            ["revision"] = "1", ["from-version"] = Scenario.From, ["target-version"] = Scenario.Target, ["daemonset"] = "kata-deploy",
            ["update-strategy"] = "{}", ["verification-namespace"] = "default", ["planned-nodes"] = "[\"node-a\"]",
            ["phase"] = phase, ["staged-revision"] = "2",
        },
    };
}
