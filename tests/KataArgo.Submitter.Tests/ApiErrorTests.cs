using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>
/// HTTP 403 and 404 answers of the Kubernetes API and the Argo server, per command (issue 11):
/// a 403 names the right that was denied for that request (verb, resource, namespace) and how to
/// check it, never another command's; a 404 on a list, or without the object's name, says which
/// API is not served instead of blaming a namespace or the chart.
/// </summary>
public class ApiErrorTests
{
    private const string Sunny = "kata-lifecycle-manager-7xk2p";

    private static Dictionary<string, string?> Kube(FakeKubernetesApi api) => new() { ["KUBECONFIG"] = api.WriteKubeconfig() };

    public static TheoryData<string, string, string, string, string?, string> PlanForbidden => new()
    {
        { "^/api/v1/nodes$", "list", "nodes", "", null,
            "the kubeconfig's user may not list nodes (cluster-scoped): check with kubectl auth can-i list nodes, and ask for a ClusterRole that grants it" },
        { "^/apis/apps/v1/namespaces/kube-system/daemonsets$", "list", "daemonsets", "apps", "kube-system",
            "the kubeconfig's user may not list daemonsets.apps in namespace kube-system: check with kubectl auth can-i list daemonsets.apps -n kube-system, and ask for a Role in namespace kube-system that grants it" },
        { "^/api/v1/namespaces/kube-system/pods$", "list", "pods", "", "kube-system",
            "the kubeconfig's user may not list pods in namespace kube-system: check with kubectl auth can-i list pods -n kube-system, and ask for a Role in namespace kube-system that grants it" },
        { "^/api/v1/namespaces/argo/configmaps/", "get", "configmaps", "", "argo",
            "the kubeconfig's user may not get configmaps in namespace argo: check with kubectl auth can-i get configmaps -n argo, and ask for a Role in namespace argo that grants it" },
    };

    [Theory]
    [MemberData(nameof(PlanForbidden))]
    public async Task Plan_names_the_right_it_was_denied(string path, string verb, string resource, string group, string? ns, string hint)
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Forbid("GET", path, verb, resource, group, ns);

        var result = await CliRunner.RunAsync(Kube(api), null, "plan", "-p", "target-version=3.30.0");

        Assert.Equal((3, ""), (result.ExitCode, result.Out));
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("accepted the credentials but they may not do this: GET ", result.Error);
        Assert.EndsWith("; " + hint + "\n", result.Error);
        Assert.DoesNotContain("workflows", result.Error);
    }

    [Fact]
    public async Task Status_through_the_Kubernetes_API_names_get_workflows()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Forbid("GET", "^/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/", "get", "workflows", "argoproj.io", "argo");

        var result = await CliRunner.RunAsync(Kube(api), null, "status", Sunny);

        Assert.Equal(3, result.ExitCode);
        Assert.EndsWith("; the kubeconfig's user may not get workflows.argoproj.io in namespace argo: check with kubectl auth can-i get workflows.argoproj.io -n argo, " +
            "and ask for a Role in namespace argo that grants it\n", result.Error);
    }

    [Fact]
    public async Task Submit_watch_through_the_Kubernetes_API_names_watch_workflows()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Forbid("GET", "^/apis/argoproj.io/v1alpha1/namespaces/argo/workflows$", "watch", "workflows", "argoproj.io", "argo");

        var result = await CliRunner.RunAsync(Kube(api), null, "submit", "-p", "target-version=3.30.0", "--name", Sunny, "--watch");

        Assert.Equal(3, result.ExitCode);
        Assert.EndsWith("; the kubeconfig's user may not watch workflows.argoproj.io in namespace argo: check with kubectl auth can-i watch workflows.argoproj.io -n argo, " +
            "and ask for a Role in namespace argo that grants it\n", result.Error);
    }

    [Fact]
    public async Task Submit_through_the_Kubernetes_API_names_create_workflows()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Forbid("POST", "^/apis/argoproj.io/v1alpha1/namespaces/argo/workflows$", "create", "workflows", "argoproj.io", "argo");

        var result = await CliRunner.RunAsync(Kube(api), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.EndsWith("; the kubeconfig's user may not create workflows.argoproj.io in namespace argo: check with kubectl auth can-i create workflows.argoproj.io -n argo, " +
            "and ask for a Role in namespace argo that grants it\n", result.Error);
        Assert.Empty(api.CreatedWorkflows);
    }

    [Theory]
    [InlineData("WorkflowTemplateService_GetWorkflowTemplate", "submit", "get workflowtemplates.argoproj.io in namespace argo (kubectl auth can-i get workflowtemplates.argoproj.io -n argo")]
    [InlineData("WorkflowService_SubmitWorkflow", "submit", "create workflows.argoproj.io in namespace argo (kubectl auth can-i create workflows.argoproj.io -n argo")]
    [InlineData("WorkflowService_GetWorkflow", "status", "get workflows.argoproj.io in namespace argo (kubectl auth can-i get workflows.argoproj.io -n argo")]
    [InlineData("WorkflowService_WatchWorkflows", "watch", "watch workflows.argoproj.io in namespace argo (kubectl auth can-i watch workflows.argoproj.io -n argo")]
    public async Task Through_the_Argo_server_a_403_names_the_right_of_that_request(string operation, string command, string denied)
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("sunny", command == "watch" ? 0 : int.MaxValue, frozen: true);
        server.Fail(operation, 403, times: 10);

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            command == "submit" ? ["submit", "-p", "target-version=3.30.0"] : [command, Sunny]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"; the token's account may not {denied} --as=system:serviceaccount:NAMESPACE:NAME checks it): ask for a Role in namespace argo that grants it to the token's ServiceAccount", result.Error);
    }

    [Fact]
    public async Task Plan_names_the_API_that_is_not_served_not_a_missing_namespace()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Fail("GET", "^/apis/apps/v1/namespaces/kube-system/daemonsets$", 404);

        var result = await CliRunner.RunAsync(Kube(api), null, "plan", "-p", "target-version=3.30.0");

        Assert.Equal((3, $"error: the Kubernetes API at {api.Url} does not serve daemonsets.apps (apps/v1): GET {api.Url}/apis/apps/v1/namespaces/kube-system/daemonsets " +
            "answered HTTP 404 Not Found (the server could not find the requested resource); is the kubeconfig's cluster the Kubernetes API server you mean? " +
            "(kubectl api-resources --api-group=apps)\n"), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task Plan_names_a_core_API_that_is_not_served()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Fail("GET", "^/api/v1/nodes$", 404, "404 page not found");

        var result = await CliRunner.RunAsync(Kube(api), null, "plan", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.True(result.Error.StartsWith($"error: the Kubernetes API at {api.Url} does not serve nodes (v1): GET {api.Url}/api/v1/nodes answered HTTP 404 Not Found (404 page not found); ", StringComparison.Ordinal), result.Error);
    }

    [Fact]
    public async Task Status_does_not_take_an_unserved_ConfigMap_path_for_a_missing_rollout_record()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Fail("GET", "^/api/v1/namespaces/argo/configmaps/", 404, "404 page not found");

        var result = await CliRunner.RunAsync(Kube(api), null, "status");

        Assert.Equal((3, ""), (result.ExitCode, result.Out));
        Assert.Contains("does not serve configmaps (v1)", result.Error);
    }

    [Fact]
    public async Task Submit_without_Argo_installed_says_so_instead_of_asking_to_install_the_chart()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Fail("GET", "^/apis/argoproj.io/", 404);

        var result = await CliRunner.RunAsync(Kube(api), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("does not serve workflowtemplates.argoproj.io (argoproj.io/v1alpha1): GET " +
            $"{api.Url}/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtemplates/kata-lifecycle-manager answered HTTP 404 Not Found " +
            "(the server could not find the requested resource); is Argo Workflows installed? (kubectl api-resources --api-group=argoproj.io)\n", result.Error);
        Assert.DoesNotContain("helm install", result.Error);
    }

    [Fact]
    public async Task An_address_that_is_not_an_Argo_server_is_not_taken_for_a_missing_template()
    {
        // ARGO_SERVER pointed at the Kubernetes API server: its 404 is not the Argo server's NotFound.
        await using var api = await FakeKubernetesApi.StartAsync();
        var env = new Dictionary<string, string?> { ["ARGO_SERVER"] = api.Url["http://".Length..], ["ARGO_SECURE"] = "false", ["ARGO_TOKEN"] = FakeKubernetesApi.Token };

        var result = await CliRunner.RunAsync(env, null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal((3, $"error: the Argo server at {api.Url}/ does not serve the Argo server's API: GET {api.Url}/api/v1/workflow-templates/argo/kata-lifecycle-manager " +
            "answered HTTP 404 Not Found (the server could not find the requested resource); check that ARGO_SERVER / -s is the Argo server's host:port and ARGO_BASE_HREF its path prefix, if it has one\n"),
            (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task A_missing_template_is_still_template_missing()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.TemplateInstalled = false;

        var result = await CliRunner.RunAsync(Kube(api), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("WorkflowTemplate kata-lifecycle-manager not found in namespace argo", result.Error);
    }
}
