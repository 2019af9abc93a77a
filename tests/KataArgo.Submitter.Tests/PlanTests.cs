using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`kata-argo plan` against the fake cluster (fixtures/cluster.json) through KubernetesClient.</summary>
public class PlanTests
{
    [Theory]
    [InlineData("plan-gpu-selector", "-p", "target-version=3.30.0", "-p", "node-selector=nvidia.com/gpu.present=true")]
    [InlineData("plan-all-nodes", "-p", "target-version=3.30.0")]
    [InlineData("plan-nodes-list", "-p", "target-version=3.30.0", "-p", "nodes=node-c,node-a", "-p", "drain-enabled=true")]
    [InlineData("plan-taint", "-p", "target-version=3.30.0", "-p", "node-taint-key=nvidia.com/gpu", "-p", "node-taint-value=present")]
    [InlineData("plan-nothing-to-do", "-p", "target-version=3.30.0", "-p", "nodes=node-b")]
    public async Task Plan(string snapshot, params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig(), ["ARGO_SERVER"] = "ignored.example:2746" };
        var result = await CliRunner.RunAsync(env, null, ["plan", .. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        Snapshot.Verify($"cli/{snapshot}.txt", result.Out);
    }

    /// <summary>
    /// The first example of docs/cli.md is this run: the fake cluster with its release's Helm
    /// record (3.29.0) and the target (3.30.0) both rendered by the real Helm 4 from the real charts.
    /// </summary>
    [RealToolsFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_docs_example_is_what_plan_prints()
    {
        const string command = "kata-argo plan -p target-version=3.30.0 -p node-selector=nvidia.com/gpu.present=true";
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddHelmRelease("kata-deploy", "kube-system", 1, "3.29.0", HelmOnPath.Render("3.29.0", []), []);
        using var helm = HelmOnPath.Printing(HelmOnPath.Render("3.30.0", StagedChanges.StageValues([])));
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig(), ["PATH"] = $"{helm.Directory}:/usr/bin:/bin" };

        var result = await CliRunner.RunAsync(env, null, ["plan", .. command.Split(' ')[2..]]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var docs = File.ReadAllText(Repo.Path("docs", "cli.md"));
        var start = docs.IndexOf($"```console\n$ {command}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/cli.md has no example of '{command}'");
        var end = docs.IndexOf("```\n", start + 10, StringComparison.Ordinal);
        Snapshot.VerifyFile("docs/cli.md", docs[..start] + $"```console\n$ {command}\n{result.Out}" + docs[end..]);
    }

    [Theory]
    [InlineData("kata-deploy-too-old", "3.28.0", "3.30.0")]
    [InlineData("target-too-old", "3.29.0", "3.28.0")]
    public async Task Plan_refuses_a_kata_deploy_older_than_preflight_takes_in_preflight_s_words(string id, string release, string target)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        RolloutFixture.SetChartVersion(api.Cluster, release);

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, "plan", "-p", $"target-version={target}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"This run would be refused in preflight, and nothing would change:\n  {BadInput.Get(id).Error}\n", result.Out);
        Assert.DoesNotContain("would be upgraded", result.Out);
    }

    [Fact]
    public async Task Plan_uses_the_APIs_label_selector_and_lists_only_the_DaemonSets_scheduled_pods()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0", "-p", "node-selector=nvidia.com/gpu.present=true");

        Assert.Equal(0, result.ExitCode);
        var requests = api.Requests.Select(Uri.UnescapeDataString).ToList();
        Assert.Contains("GET /api/v1/nodes?labelSelector=nvidia.com/gpu.present=true&watch=false", requests);
        Assert.Contains(requests, r => r.StartsWith("GET /api/v1/namespaces/kube-system/pods?", StringComparison.Ordinal)
            && r.Contains("fieldSelector=spec.nodeName!=") && r.Contains("labelSelector=name=kata-deploy"));
    }

    /// <summary>
    /// A release a killed Helm left pending (no rollout open): plan reads its last deployed or
    /// superseded revision from Helm's Secrets and refuses as preflight's release_pending_check does,
    /// before (as preflight) a chart older than the minimum.
    /// </summary>
    [Theory]
    [InlineData("superseded deployed pending-upgrade", "is 'pending-upgrade': a Helm operation was interrupted and Helm refuses any other until it is cleared; clear it with: helm rollback kata-deploy 2 -n kube-system (the last deployed revision; check helm history kata-deploy -n kube-system), then submit again")]
    [InlineData("superseded deployed pending-upgrade", "is 'pending-upgrade': a Helm operation was interrupted and Helm refuses any other until it is cleared; clear it with: helm rollback kata-deploy 2 -n kube-system (the last deployed revision; check helm history kata-deploy -n kube-system), then submit again", "3.28.0")]
    [InlineData("superseded superseded failed pending-rollback", "is 'pending-rollback': a Helm operation was interrupted and Helm refuses any other until it is cleared; clear it with: helm rollback kata-deploy 2 -n kube-system (the last deployed revision; check helm history kata-deploy -n kube-system), then submit again")]
    [InlineData("failed pending-upgrade", "is 'pending-upgrade' and has no deployed revision to go back to; check helm history kata-deploy -n kube-system")]
    public async Task Plan_refuses_a_pending_release_with_the_rollback_that_clears_it(string history, string refusal, string chart = "3.29.0")
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var statuses = history.Split(' ');
        for (var i = 0; i < statuses.Length; i++)
            api.AddHelmRelease("kata-deploy", "kube-system", i + 1, chart, "", [], statuses[i]);

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, "plan", "-p", "target-version=3.30.0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"This run would be refused in preflight, and nothing would change:\n  helm-release: release kube-system/kata-deploy {refusal}\n", result.Out);
        Assert.Empty(api.Violations);
    }

    [Fact]
    public async Task Unknown_listed_node_exits_2()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0", "-p", "nodes=node-a,node-z");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: nodes: no such node: node-z; check the names (kubectl get nodes)\n", result.Error);
    }

    [Fact]
    public async Task Release_without_a_DaemonSet_exits_1()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0", "-p", "helm-release=kata");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no DaemonSet of Helm release kata in namespace kube-system", result.Error);
    }

    [Theory]
    [InlineData("target-version is required; e.g. kata-argo plan -p target-version=3.29.0")]
    [InlineData("node-selector: 'a b' is not a label selector", "-p", "target-version=3.30.0", "-p", "node-selector=a b")]
    [InlineData("unknown parameter 'node'", "-p", "target-version=3.30.0", "-p", "node=node-a")]
    public async Task Invalid_plan_parameters_exit_2_before_any_request(string message, params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, ["plan", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(api.Requests);
    }
}
