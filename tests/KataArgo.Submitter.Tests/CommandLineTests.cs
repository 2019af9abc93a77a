using System.Net;
using System.Net.Sockets;
using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>What a new user meets first (issue 11): unknown commands, kubeconfig and namespace mistakes, permissions, silence.</summary>
public class CommandLineTests
{
    private const string Sunny = "kata-lifecycle-manager-7xk2p";
    private const string Rainy = "kata-lifecycle-manager-q9m4t";

    [Theory]
    [InlineData("sumbit", "error: unknown command 'sumbit'; did you mean submit? (see kata-argo --help)\n")]
    [InlineData("stauts", "error: unknown command 'stauts'; did you mean status? (see kata-argo --help)\n")]
    [InlineData("foo", "error: unknown command 'foo'; the commands are render, template, lint, plan, submit, watch, status, recover (see kata-argo --help)\n")]
    public async Task An_unknown_command_is_named_with_the_closest_one(string command, string error)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, command, "-p", "target-version=3.30.0");

        Assert.Equal((2, "", error), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task No_command_prints_the_help()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Contains("submit", result.Out);
        Assert.Contains("Usage:", result.Out);
    }

    private const string Cluster = "clusters:\n- name: c\n  cluster: {server: \"https://10.96.0.1:6443\"}\n";
    private const string User = "users:\n- name: u\n  user: {token: x}\n";
    private const string Context = "contexts:\n- name: a\n  context: {cluster: c, user: u}\n";

    public static TheoryData<string, string, string> BadKubeconfigs => new()
    {
        { "plan", "apiVersion: v1\nkind: Config\n\ngarbage: [\n", "not valid YAML: line 4, column 10: '[' is not closed: no matching ']' follows" },
        { "submit", "apiVersion: v1\nkind: Config\nclusters: {name: c\nusers: []\n", "not valid YAML: line 3, column 11: '{' is not closed: no matching '}' follows" },
        { "status", "apiVersion: v1\nkind: Config\nclusters: 5\n", "not a valid kubeconfig: line 3, column 11: the value has the wrong type for its field (clusters: 5); compare with kubectl config view" },
        { "plan", "", "the file is empty; write the cluster, user and context into it (kubectl config set-cluster, set-credentials, set-context, use-context) or point KUBECONFIG/--kubeconfig at another file" },
        { "plan", "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
            "no current-context and no contexts (contexts: []); add one: kubectl config set-context NAME --cluster=CLUSTER --user=USER, then kubectl config use-context NAME" },
        { "submit", Cluster + Context + User, "no current-context; pass --context NAME or run kubectl config use-context NAME (its contexts: a)" },
        { "recover", Cluster + Context + User + "current-context: b\n", "current-context 'b' is not among its contexts (a); pass --context NAME or run kubectl config use-context NAME" },
        { "plan", "clusters: []\n" + Context + User + "current-context: a\n",
            "context 'a' names cluster 'c', which is not among its clusters (it has none: clusters: []); add it: kubectl config set-cluster c --server=https://HOST:6443" },
        { "watch", "clusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n" + Context + User + "current-context: a\n",
            "cluster 'c' has no server; set clusters[].cluster.server (kubectl config set-cluster c --server=https://HOST:6443)" },
        { "status", Cluster + Context + "users: []\ncurrent-context: a\n",
            "context 'a' names user 'u', which is not among its users (it has none: users: []); add it: kubectl config set-credentials u ..." },
    };

    [Theory]
    [MemberData(nameof(BadKubeconfigs))]
    public async Task A_kubeconfig_that_cannot_be_used_is_named_with_what_is_missing_and_exit_2(string command, string content, string problem)
    {
        var path = KubeConfig(content);
        string[] args = command switch
        {
            "plan" or "submit" => [command, "-p", "target-version=3.30.0"],
            _ => [command, Sunny],
        };

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = path }, null, args);

        Assert.Equal((2, "", $"error: kubeconfig {path}: {problem}\n"), (result.ExitCode, result.Out, result.Error));
    }

    [Fact]
    public async Task A_context_flag_that_the_kubeconfig_lacks_is_named()
    {
        var path = KubeConfig(Cluster + Context + User + "current-context: a\n");

        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "plan", "-p", "target-version=3.30.0", "--kubeconfig", path, "--context", "prod");

        Assert.Equal((2, $"error: kubeconfig {path}: --context 'prod' is not among its contexts (a); pass --context NAME or run kubectl config use-context NAME\n"),
            (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task A_missing_or_directory_kubeconfig_is_a_usage_error()
    {
        var directory = Directory.CreateTempSubdirectory("kata-argo-kube-").FullName;

        var missing = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "status", Sunny, "--kubeconfig", Path.Combine(directory, "nope"));
        var folder = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = directory }, null, "status", Sunny);

        Assert.Equal((2, $"error: --kubeconfig '{Path.Combine(directory, "nope")}': no such file\n"), (missing.ExitCode, missing.Error));
        Assert.Equal((2, $"error: KUBECONFIG '{directory}' is a directory; give a kubeconfig file\n"), (folder.ExitCode, folder.Error));
    }

    [Fact]
    public async Task Plan_without_a_kubeconfig_does_not_suggest_an_Argo_server_it_cannot_use()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "plan", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no Kubernetes configuration found", result.Error);
        Assert.DoesNotContain("-s host:port", result.Error);
    }

    [Fact]
    public async Task A_missing_template_in_the_kubeconfig_namespace_points_to_the_charts_namespace()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.TemplateInstalled = false;
        var path = KubeConfig($"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: c, cluster: {"{"}server: "{api.Url}"{"}"}{"}"}]
            contexts: [{"{"}name: a, context: {"{"}cluster: c, user: u, namespace: default{"}"}{"}"}]
            current-context: a
            users: [{"{"}name: u, user: {"{"}token: {FakeKubernetesApi.Token}{"}"}{"}"}]
            """);

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = path }, null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("not found in namespace default (from the kubeconfig context; the Kubernetes API at", result.Error);
        Assert.Contains("pass -n argo (or set ARGO_NAMESPACE=argo)", result.Error);
        Assert.Contains("helm install kata-lifecycle-manager charts/kata-lifecycle-manager -n default --set argoNamespace=default --set-file", result.Error);
    }

    [Fact]
    public async Task Forbidden_is_reported_as_a_permission_not_as_bad_credentials()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Fail("WorkflowTemplateService_GetWorkflowTemplate", 403);

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("HTTP 403 Forbidden", result.Error);
        Assert.Contains("accepted the credentials but they may not do this", result.Error);
        Assert.Contains("the token's account may not get workflowtemplates.argoproj.io in namespace argo", result.Error);
        Assert.DoesNotContain("refused the credentials", result.Error);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("argo-server.argo")]
    [InlineData("argo-server.argo:")]
    public async Task An_Argo_server_without_a_port_is_refused(string server)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "submit", "-s", server, "-p", "target-version=3.30.0");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: ARGO_SERVER / --argo-server '{server}' is not host:port; give the port too", result.Error);
    }

    [Theory]
    [InlineData("watch")]
    [InlineData("status")]
    [InlineData("recover")]
    public async Task An_unknown_option_is_not_taken_for_the_run_s_name(string command)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, command, "--follow");

        Assert.Equal((2, $"error: unknown option '--follow' for {command} (see kata-argo --help)\n"), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task An_Argo_server_port_out_of_range_is_named_as_such()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "submit", "-s", "localhost:99999", "-p", "target-version=3.30.0");

        Assert.Equal((2, "error: ARGO_SERVER / --argo-server 'localhost:99999': port 99999 is out of range; use a port from 1 to 65535, e.g. localhost:2746\n"),
            (result.ExitCode, result.Error));
    }

    [Theory]
    [InlineData("127.0.0.1:abc", "abc", "127.0.0.1")]
    [InlineData("argo-server.argo:27x6", "27x6", "argo-server.argo")]
    public async Task An_Argo_server_port_that_is_not_a_number_is_named_as_such(string server, string port, string host)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?>(), null, "submit", "-s", server, "-p", "target-version=3.30.0");

        Assert.Equal((2, $"error: ARGO_SERVER / --argo-server '{server}': port '{port}' is not a number; use a port from 1 to 65535, e.g. {host}:2746\n"),
            (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task Watch_of_a_finished_run_prints_its_result_from_the_first_answer()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("rainy", int.MaxValue, frozen: true);
        var clock = new FastClock(CliRunner.RecordedStart);

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), clock, "watch", Rainy);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(0, server.StreamConnections);
        Assert.Equal(1, server.Count("WorkflowService_GetWorkflow"));
        Assert.Empty(clock.Waits);
        Assert.StartsWith($"error: {Rainy} Failed: node node-b failed at step verify (verification failed (pod phase Failed) after 56s)", result.Error.Split('\n').Last(l => l.Length > 0));
    }

    [Fact]
    public async Task Status_of_a_failed_run_shows_the_failed_pod_not_argos_child_failed()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("rainy", int.MaxValue, frozen: true);

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "status", Rainy);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Failed at:  node node-b, step verify: verification failed (pod phase Failed) after 56s\n", result.Out);
        Assert.DoesNotContain("child '", result.Out + result.Error);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_with_a_line_per_retry()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                    accepted.Add(await listener.AcceptTcpClientAsync());
            }
            catch (Exception) when (!listener.Server.IsBound)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var environment = new Dictionary<string, string?> { ["ARGO_SERVER"] = $"127.0.0.1:{port}", ["ARGO_SECURE"] = "false" };

        var error = new StringWriter { NewLine = "\n" };
        var console = new Cli.CliConsole(new StringWriter(), error, Path.GetTempPath(), environment)
        {
            Clock = new FastClock(CliRunner.RecordedStart),
            Retry = RetryOptions.Default with { AttemptTimeout = TimeSpan.FromMilliseconds(300) },
        };
        var exit = await Cli.KataArgoCli.RunAsync(["submit", "-p", "target-version=3.30.0"], console);
        var result = new CliResult(exit, "", error.ToString());
        listener.Stop();

        Assert.Equal(3, result.ExitCode);
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.All(lines[..4], (line, i) => Assert.StartsWith(
            $"warning: GET http://127.0.0.1:{port}/api/v1/workflow-templates/argo/kata-lifecycle-manager: no answer within 0.3s; retry {i + 1} of 4 in ", line));
        Assert.StartsWith($"error: cannot reach the Argo server at http://127.0.0.1:{port}/", lines[4]);
        Assert.EndsWith($": GET http://127.0.0.1:{port}/api/v1/workflow-templates/argo/kata-lifecycle-manager: no answer within 0.3s, after retries", lines[4]);
    }

    private static string KubeConfig(string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kata-argo-kube-").FullName, "config");
        File.WriteAllText(path, content);
        return path;
    }
}
