using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>
/// plan's preview of stage's cluster-scoped changes: the release's manifest from its Helm Secret,
/// the target's from the local helm, compared as preflight compares them. Every version pair,
/// against preflight itself on a real cluster, is KataArgo.Scripts.Tests' VersionPairTests.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StagedChangesTests
{
    /// <summary>Issue 9 case 1 as plan shows it: 4.0.0's manifest and 4.1.0's, both rendered by the real Helm 4 from the real charts.</summary>
    [RealToolsFact]
    public async Task Plan_shows_what_staging_4_1_0_changes_on_every_node_and_renders_the_target_as_stage_does()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var config = new JsonObject { ["updateStrategy"] = new JsonObject { ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 2 } } };
        api.AddHelmRelease("kata-deploy", "kube-system", 1, "4.0.0", HelmOnPath.Render("4.0.0", config), config);
        using var helm = HelmOnPath.Printing(HelmOnPath.Render("4.1.0", StagedChanges.StageValues(config)));
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig(), ["PATH"] = $"{helm.Directory}:/usr/bin:/bin" };

        var result = await CliRunner.RunAsync(env, null, "plan", "-p", "target-version=4.1.0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        Snapshot.Verify("cli/plan-cluster-changes.txt", result.Out);
        var argv = helm.Argv();
        Assert.Equal(["template", "kata-deploy", WorkflowParameters.DefaultKataDeployChart, "--version", "4.1.0", "-n", "kube-system", "--no-hooks", "-f"], argv[..9]);
        Assert.Equal(["--dry-run=server", "--is-upgrade"], argv[10..]);
        // stage_values of lib.sh: the user's values, OnDelete without rollingUpdate, kata-deploy's hook off.
        Assert.Equal("""{"updateStrategy":{"rollingUpdate":null,"type":"OnDelete"},"verification":{"pod":""}}""", Sorted(helm.Values()));
    }

    [Fact]
    public async Task Plan_says_why_it_cannot_show_them_without_helm()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.AddHelmRelease("kata-deploy", "kube-system", 1, "3.29.0", "", []);

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Cluster-scoped changes of stage's upgrade: not shown: helm is not on PATH; install Helm 3.14+ or 4 to see them here (preflight checks them in any case)\n", result.Out);
    }

    [Fact]
    public async Task Plan_without_the_right_to_read_Secrets_still_plans_the_nodes()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.SecretsForbidden = true;

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("would be upgraded", result.Out);
        Assert.Contains("Cluster-scoped changes of stage's upgrade: not shown: cannot read Helm's release Secrets in kube-system:", result.Out);
    }

    /// <summary>
    /// A list is never 404 when its API is served (a namespace that does not exist lists no
    /// Secrets), so a 404 here is an API that is not served, said as such: there is no "namespace
    /// not found" for this request (its wording was removed as unreachable).
    /// </summary>
    [Fact]
    public async Task Plan_names_a_404_on_listing_Secrets_as_an_API_not_served_and_still_plans_the_nodes()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Fail("GET", "^/api/v1/namespaces/kube-system/secrets$", 404);

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = api.WriteKubeconfig() }, null,
            "plan", "-p", "target-version=3.30.0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("would be upgraded", result.Out);
        Assert.Contains($"Cluster-scoped changes of stage's upgrade: not shown: cannot read Helm's release Secrets in kube-system: the Kubernetes API at {api.Url} does not serve secrets (v1): ", result.Out);
        Assert.DoesNotContain("not found", result.Out);
    }

    private static string Sorted(string json) => Sort(JsonNode.Parse(json))!.ToJsonString();

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Sort(p.Value)))),
        _ => node?.DeepClone(),
    };
}
