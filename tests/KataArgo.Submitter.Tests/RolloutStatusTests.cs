using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`kata-argo status` shows the release's rollout from its record (fake cluster through KubernetesClient).</summary>
public class RolloutStatusTests
{
    private static Dictionary<string, string?> Kube(FakeKubernetesApi api) => new() { ["KUBECONFIG"] = api.WriteKubeconfig() };

    public static TheoryData<string, string, string[], string[]?, bool> States => new()
    {
        // Canary node-b done, the rest left: the next command names them.
        { "status-rollout-staged", "staged", ["node-b"], null, false },
        // Every node on the staged revision, finish's helm upgrade failed: rerun the same target.
        { "status-rollout-finishing", "finishing", ["infra-1", "node-10", "node-a", "node-b", "node-c"], null, false },
        // The rollback upgraded the release back (OnDelete); node-a is back, node-b still on 3.30.0.
        { "status-rollout-rolling-back", "rolling-back", ["node-b"], ["node-a", "node-b"], true },
        { "status-rollout-completed", "completed", ["infra-1", "node-10", "node-a", "node-b", "node-c"], [], false },
        { "status-rollout-rolled-back", "rolled-back", [], [], true },
    };

    [Theory]
    [MemberData(nameof(States))]
    public async Task Status_without_a_run_shows_the_releases_rollout(string snapshot, string phase, string[] onStaged, string[]? touched, bool rolledBack)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var data = RolloutFixture.Data(phase, RolloutFixture.SecondRun);
        if (rolledBack)
            data["rollback-revision"] = "5";
        RolloutFixture.Apply(api, data, onStaged, touched, rolledBackTemplate: rolledBack);
        var result = await CliRunner.RunAsync(Kube(api), null, "status");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        Snapshot.Verify($"cli/{snapshot}.txt", result.Out);
    }

    [Fact]
    public async Task Nodes_done_are_judged_by_the_newest_revision_of_the_releases_own_DaemonSet_only()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        RolloutFixture.Apply(api, RolloutFixture.Data(), ["node-b"]);
        // A newer revision with kata-deploy's labels but owned by another DaemonSet does not count.
        var revisions = api.Cluster["controllerRevisions"]!.AsArray();
        var foreign = revisions[0]!.DeepClone();
        foreign["metadata"]!["name"] = "kata-deploy-0a1b2c3d4e";
        foreign["metadata"]!["labels"]!["controller-revision-hash"] = "0a1b2c3d4e";
        foreign["metadata"]!["ownerReferences"]![0]!["uid"] = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
        foreign["revision"] = 9;
        revisions.Add(foreign);
        var result = await CliRunner.RunAsync(Kube(api), null, "status");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  nodes done:   1 (node-b)\n", result.Out);
        Assert.Contains(api.Requests, r => r.StartsWith("GET /apis/apps/v1/namespaces/kube-system/controllerrevisions?", StringComparison.Ordinal)
            && Uri.UnescapeDataString(r).Contains("labelSelector=name=kata-deploy"));
    }

    [Fact]
    public async Task Status_reads_the_record_of_the_given_release_from_the_workflow_namespace()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(Kube(api), null, "status", "-n", "kata-ops", "-p", "helm-release=kata", "-p", "helm-namespace=kata-system");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("No rollout of Helm release kata in kata-system is recorded in namespace kata-ops.\n", result.Out);
        Assert.Contains("GET /api/v1/namespaces/kata-ops/configmaps/kata-lifecycle-rollout.kata-system.kata", api.Requests);
    }

    [Fact]
    public async Task Status_of_a_run_shows_the_run_then_the_open_rollout_of_its_release()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("sunny", int.MaxValue, frozen: true);
        await using var api = await FakeKubernetesApi.StartAsync();
        RolloutFixture.Apply(api, RolloutFixture.Data("staged", RolloutFixture.SecondRun), ["node-a", "node-b", "node-c"]);
        var env = CliRunner.ArgoEnvironment(server);
        env["KUBECONFIG"] = api.WriteKubeconfig();
        var result = await CliRunner.RunAsync(env, null, "status", RolloutFixture.SecondRun);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Snapshot.Verify("cli/status-run-rollout.txt", result.Out);
    }

    [Fact]
    public async Task Status_of_a_run_on_an_Argo_server_without_a_kubeconfig_shows_the_run_and_says_why_the_rollout_is_missing()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("sunny", int.MaxValue, frozen: true);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "status", RolloutFixture.SecondRun);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("warning: the rollout of Helm release kata-deploy in kube-system is not shown: it is read through the Kubernetes API, and no Kubernetes configuration found", result.Error);
        Assert.DoesNotContain("rollout", result.Out);
    }

    [Fact]
    public async Task Status_without_a_run_needs_the_Kubernetes_API_even_with_an_Argo_server()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "status");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("error: no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, pass --kubeconfig, or run inside a cluster " +
            "(this command reads nodes, pods and ConfigMaps through the Kubernetes API; an Argo server cannot serve them)\n", result.Error);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("status takes only -p helm-release=... and -p helm-namespace=..., not -p target-version", "status", "-p", "target-version=3.30.0")]
    [InlineData("helm-release is taken from the run kata-lifecycle-manager-7xk2p; do not pass -p helm-release with a run name", "status", "kata-lifecycle-manager-7xk2p", "-p", "helm-release=kata")]
    [InlineData("helm-namespace: 'Kube System' is not a namespace name", "status", "-p", "helm-namespace=Kube System")]
    public async Task Status_parameters_are_checked_before_any_request(string message, params string[] args)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(Kube(api), null, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(api.Requests);
    }
}
