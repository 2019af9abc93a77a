using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`kata-argo plan` against the fake cluster (fixtures/cluster.json) through KubernetesClient.</summary>
public class PlanTests
{
    [Theory]
    [InlineData("plan-gpu-selector", "-p", "target-version=3.29.0", "-p", "node-selector=nvidia.com/gpu.present=true")]
    [InlineData("plan-all-nodes", "-p", "target-version=3.29.0")]
    [InlineData("plan-nodes-list", "-p", "target-version=3.29.0", "-p", "nodes=node-c,node-a", "-p", "drain-enabled=true")]
    [InlineData("plan-taint", "-p", "target-version=3.29.0", "-p", "node-taint-key=nvidia.com/gpu", "-p", "node-taint-value=present")]
    [InlineData("plan-nothing-to-do", "-p", "target-version=3.29.0", "-p", "nodes=node-b")]
    public async Task Plan(string snapshot, params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig(), ["ARGO_SERVER"] = "ignored.example:2746" };
        var result = await CliRunner.RunAsync(env, null, ["plan", .. args]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        Snapshot.Verify($"cli/{snapshot}.txt", result.Out);
    }

    [Fact]
    public async Task Plan_uses_the_APIs_label_selector_and_lists_only_the_DaemonSets_scheduled_pods()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.29.0", "-p", "node-selector=nvidia.com/gpu.present=true");

        Assert.Equal(0, result.ExitCode);
        var requests = api.Requests.Select(Uri.UnescapeDataString).ToList();
        Assert.Contains("GET /api/v1/nodes?labelSelector=nvidia.com/gpu.present=true&watch=false", requests);
        Assert.Contains(requests, r => r.StartsWith("GET /api/v1/namespaces/kube-system/pods?", StringComparison.Ordinal)
            && r.Contains("fieldSelector=spec.nodeName!=") && r.Contains("labelSelector=name=kata-deploy"));
    }

    [Fact]
    public async Task Unknown_listed_node_exits_2()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.29.0", "-p", "nodes=node-a,node-z");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: nodes: no such node: node-z; check the names (kubectl get nodes)\n", result.Error);
    }

    [Fact]
    public async Task Release_without_a_DaemonSet_exits_1()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.29.0", "-p", "helm-release=kata");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no DaemonSet of Helm release kata in namespace kube-system", result.Error);
    }

    [Theory]
    [InlineData("target-version is required; e.g. kata-argo plan -p target-version=3.29.0")]
    [InlineData("node-selector: 'a b' is not a label selector", "-p", "target-version=3.29.0", "-p", "node-selector=a b")]
    [InlineData("unknown parameter 'node'", "-p", "target-version=3.29.0", "-p", "node=node-a")]
    public async Task Invalid_plan_parameters_exit_2_before_any_request(string message, params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null, ["plan", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(api.Requests);
    }
}
