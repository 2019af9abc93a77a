using System.Text.Json.Nodes;
using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>The Kubernetes transport (--kube, or no Argo server configured) through the real KubernetesClient.</summary>
public class KubernetesTransportTests
{
    private const string Sunny = "kata-lifecycle-manager-7xk2p";

    private static Dictionary<string, string?> KubeEnvironment(FakeKubernetesApi api, string token = FakeKubernetesApi.Token) =>
        new() { ["KUBECONFIG"] = api.WriteKubeconfig(token) };

    [Fact]
    public void Only_the_retry_handler_bounds_a_request_so_an_API_server_that_never_answers_exits_3()
    {
        // KubernetesClient's HttpClient gives up after 100 s, inside the retries (5 attempts of 20 s and
        // their backoff): the run then ended as a bare "operation was canceled", exit 1 ("the run failed").
        var config = new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" };
        var retry = RetryOptions.Default;
        using var transport = new KubernetesTransport(new KubernetesConnection("argo", config), TimeProvider.System, retry);
        Assert.True(config.HttpClientTimeout == Timeout.InfiniteTimeSpan || config.HttpClientTimeout > retry.AttemptTimeout * (retry.MaxRetries + 1) * 2,
            $"HttpClient timeout {config.HttpClientTimeout} would cancel the retries of {retry.AttemptTimeout} each");
    }

    [Fact]
    public async Task Submit_creates_a_Workflow_referencing_the_template_and_watches_it()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var env = KubeEnvironment(api);
        env["ARGO_SERVER"] = "argo-server.argo:2746"; // --kube wins over a configured Argo server
        var result = await CliRunner.RunAsync(env, null, "submit", "--kube", "-p", "target-version=3.30.0", "--name", Sunny, "--watch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(api.Violations);
        if (!Snapshot.Updating)
            Assert.Equal(File.ReadAllText(Repo.Path("snapshots", "cli", "watch-sunny.txt")), result.Out);
        var created = Assert.Single(api.CreatedWorkflows);
        Assert.Equal("kata-lifecycle-manager", (string?)created["spec"]!["workflowTemplateRef"]!["name"]);
        Assert.Equal("upgrade-all-nodes", (string?)created["spec"]!["entrypoint"]);
        Assert.Equal("kata-lifecycle-manager", (string?)created["metadata"]!["labels"]!["workflows.argoproj.io/workflow-template"]);
        Assert.Equal("""[{"name":"target-version","value":"3.30.0"}]""", created["spec"]!["arguments"]!["parameters"]!.ToJsonString());
        Assert.Contains(api.Requests, r => r.StartsWith("GET /apis/argoproj.io/v1alpha1/namespaces/argo/workflows?", StringComparison.Ordinal)
            && r.Contains("fieldSelector=metadata.name%3D" + Sunny) && r.Contains("watch=true"));
    }

    [Fact]
    public async Task Without_an_Argo_server_the_Kubernetes_API_is_used_and_a_rainy_run_exits_1()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Scenario = "rainy";
        var result = await CliRunner.RunAsync(KubeEnvironment(api), null, "submit", "-p", "target-version=3.30.0", "--wait");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("node node-b failed at step verify", result.Error);
        Assert.Empty(api.Violations);
    }

    [Fact]
    public async Task Missing_template_exits_4()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.TemplateInstalled = false;
        var result = await CliRunner.RunAsync(KubeEnvironment(api), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("WorkflowTemplate kata-lifecycle-manager not found in namespace argo (from the kubeconfig context; the Kubernetes API at", result.Error);
        Assert.DoesNotContain("pass -n argo", result.Error);
        Assert.Contains("helm install kata-lifecycle-manager", result.Error);
    }

    [Fact]
    public async Task Refused_credentials_exit_3_naming_the_url()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var result = await CliRunner.RunAsync(KubeEnvironment(api, token: "wrong"), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"GET {api.Url}/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/kata-lifecycle-manager: HTTP 401 Unauthorized", result.Error);
    }

    [Fact]
    public async Task No_kubeconfig_and_no_Argo_server_exits_3_saying_what_to_configure()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "submit", "-p", "target-version=3.30.0");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no Kubernetes configuration found: set KUBECONFIG", result.Error);
    }
}
