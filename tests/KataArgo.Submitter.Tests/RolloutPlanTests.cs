using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`kata-argo plan` shows the open rollout and whether the run would continue it or be refused.</summary>
public class RolloutPlanTests
{
    private static async Task<(CliResult Result, FakeKubernetesApi Api)> PlanAsync(Action<FakeKubernetesApi> arrange, params string[] args)
    {
        var api = await FakeKubernetesApi.StartAsync();
        arrange(api);
        return (await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, ["plan", .. args]), api);
    }

    [Fact]
    public async Task Same_target_continues_the_rollout_and_skips_the_done_canary()
    {
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, RolloutFixture.Data(), ["node-b"]), "-p", "target-version=3.30.0");
        await using var _ = api;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        Snapshot.Verify("cli/plan-rollout-continue.txt", result.Out);
    }

    [Fact]
    public async Task Other_target_is_refused_with_the_commands_that_finish_or_roll_back_the_open_rollout()
    {
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, RolloutFixture.Data(), ["node-b"]), "-p", "target-version=3.31.0");
        await using var _ = api;

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: a run with these parameters would be refused in preflight (the reason and what to run instead are above)\n", result.Error);
        Snapshot.Verify("cli/plan-rollout-refused.txt", result.Out);
        Assert.Contains(
            "  target-version: rollout kata-lifecycle-manager-c4nry of kube-system/kata-deploy to 3.30.0 is open (1 node(s) done, 4 left); nothing was changed. " +
            "Finish it: argo submit --from workflowtemplate/kata-lifecycle-manager -p target-version=3.30.0 -p helm-release=kata-deploy -p helm-namespace=kube-system ... " +
            "or roll it back: argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=kata-lifecycle-manager-c4nry\n", result.Out);
    }

    [Fact]
    public async Task A_rollout_rolling_back_refuses_every_run_until_recover_finishes_it()
    {
        var data = RolloutFixture.Data("rolling-back");
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, data, ["node-b"]), "-p", "target-version=3.30.0");
        await using var _ = api;

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  helm-release: rollout kata-lifecycle-manager-c4nry of kube-system/kata-deploy (kata-deploy 3.29.0 -> 3.30.0) is rolling back; finish the rollback first: " +
            "argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=kata-lifecycle-manager-c4nry\n", result.Out);
        Assert.DoesNotContain("ORDER", result.Out);
    }

    [Fact]
    public async Task A_node_labelled_by_another_rollout_is_refused_even_when_the_run_would_not_select_it()
    {
        var (result, api) = await PlanAsync(a =>
        {
            RolloutFixture.Apply(a, data: null, onStaged: []);
            a.Cluster["nodes"]!.AsArray().Single(n => (string?)n!["metadata"]!["name"] == "node-c")!["metadata"]!["labels"]![RolloutRecord.Label] = "kata-lifecycle-manager-old01";
        }, "-p", "target-version=3.30.0", "-p", "nodes=node-a");
        await using var _ = api;

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  nodes: node-c (rollout kata-lifecycle-manager-old01) carry the label of another rollout (katacontainers.io/kata-lifecycle-manager-rollout); " +
            "finish or roll back that rollout first (argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=ROLLOUT)\n", result.Out);
    }

    [Fact]
    public async Task A_completed_rollout_is_one_line_and_the_run_opens_a_new_one()
    {
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, RolloutFixture.Data("completed"), ["infra-1", "node-10", "node-a", "node-b", "node-c"], []),
            "-p", "target-version=3.31.0", "-p", "nodes=node-a");
        await using var _ = api;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\nLast rollout kata-lifecycle-manager-c4nry (Helm release kata-deploy in kube-system): 3.29.0 -> 3.30.0 completed (1 run)\n\n1 node would be upgraded", result.Out);
    }

    [Fact]
    public async Task Plan_reads_the_record_from_the_namespace_given_with_n()
    {
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, RolloutFixture.Data(), ["node-b"], workflowNamespace: "kata-ops"),
            "-n", "kata-ops", "-p", "target-version=3.30.0");
        await using var _ = api;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  next:         kata-argo submit -n kata-ops -p target-version=3.30.0 -p nodes=infra-1,node-10,node-a,node-c", result.Out);
        Assert.Contains("GET /api/v1/namespaces/kata-ops/configmaps/kata-lifecycle-rollout.kube-system.kata-deploy", api.Requests);
    }

    [Fact]
    public async Task A_release_changed_outside_the_rollout_is_refused_and_named()
    {
        var (result, api) = await PlanAsync(a =>
        {
            RolloutFixture.Apply(a, RolloutFixture.Data(), ["node-b"]);
            RolloutFixture.SetChartVersion(a.Cluster, "3.31.0");
        }, "-p", "target-version=3.30.0");
        await using var _ = api;

        Assert.Equal(1, result.ExitCode);
        const string changed = "kube-system/kata-deploy runs chart 3.31.0, not 3.30.0 as rollout kata-lifecycle-manager-c4nry staged it in revision 4; someone changed the release during the rollout: " +
            "check helm history kata-deploy -n kube-system and the record (kubectl get configmap kata-lifecycle-rollout.kube-system.kata-deploy -n argo -o yaml)";
        Assert.Contains($"  warning:      {changed}\n", result.Out);
        Assert.Contains($"\n  helm-release: {changed}\n", result.Out);
    }

    [Fact]
    public async Task A_node_left_half_done_by_a_run_of_the_rollout_is_refused_with_the_rollback_command()
    {
        var (result, api) = await PlanAsync(a =>
        {
            RolloutFixture.Apply(a, RolloutFixture.Data("staged", RolloutFixture.SecondRun), ["node-b"], touched: ["node-a", "node-b"]);
            var nodeA = a.Cluster["nodes"]!.AsArray().Single(n => (string?)n!["metadata"]!["name"] == "node-a")!["metadata"]!;
            nodeA["annotations"]![Lifecycle.LifecycleKeys.Status] = "cordoned";
            nodeA["labels"]![Lifecycle.LifecycleKeys.Run] = RolloutFixture.SecondRun;
        }, "-p", "target-version=3.30.0");
        await using var _ = api;

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  helm-release: node(s) node-a (cordoned, run kata-lifecycle-manager-7xk2p) of rollout kata-lifecycle-manager-c4nry were left half done by a run that did not finish; " +
            "roll the rollout back: argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=kata-lifecycle-manager-c4nry\n", result.Out);
    }

    [Theory]
    [InlineData(new[] { "infra-1", "node-10", "node-a", "node-b", "node-c" },
        "No node is left to upgrade: the run would finish rollout kata-lifecycle-manager-c4nry (helm upgrade to 3.30.0 with the pre-rollout values, which restores the pre-rollout update strategy).\n")]
    [InlineData(new[] { "node-b" }, "No node would be upgraded: rollout kata-lifecycle-manager-c4nry would stay open with 4 nodes left.\n")]
    public async Task A_continuing_run_with_nothing_to_upgrade_says_whether_it_finishes_the_rollout(string[] onStaged, string expected)
    {
        var (result, api) = await PlanAsync(a => RolloutFixture.Apply(a, RolloutFixture.Data(), onStaged, touched: ["node-b"]), "-p", "target-version=3.30.0", "-p", "nodes=node-b");
        await using var _ = api;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\n\n" + expected + "\n", result.Out);
    }
}
