using System.Text.Json;
using Argo.Workflows.Client;
using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`kata-argo submit` against the Argo server: results, errors and exit codes.</summary>
public class SubmitTests
{
    private const string Sunny = "kata-lifecycle-manager-7xk2p";
    private const string Rainy = "kata-lifecycle-manager-q9m4t";

    [Fact]
    public async Task Sunny_run_watched_to_the_end_exits_0_with_a_line_per_node_change()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            "submit", "-p", "target-version=3.30.0", "--name", Sunny, "--watch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(server.Violations);
        Snapshot.Verify("cli/watch-sunny.txt", result.Out);
        Assert.Equal("", result.Error);
        Assert.Equal(["WorkflowTemplateService_GetWorkflowTemplate", "WorkflowService_SubmitWorkflow", "WorkflowService_WatchWorkflows"],
            server.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task Rainy_run_exits_1_naming_the_failed_node_and_step()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Scenario = "rainy";
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            "submit", "-p", "target-version=3.30.0", "--name", Rainy, "--watch");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(server.Violations);
        Snapshot.Verify("cli/watch-rainy.txt", result.Out);
        Assert.Equal(
            $"error: {Rainy} Failed: node node-b failed at step verify (verification failed (pod phase Failed) after 56s); the exit handler rolled back the release and the nodes it touched\n",
            result.Error);
    }

    [Fact]
    public async Task Submit_sends_a_WorkflowTemplate_submission_and_prints_the_run_name()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            "submit", "-p", "target-version=3.30.0", "-p", "node-selector=nvidia.com/gpu.present=true", "-p", "drain-enabled=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("^kata-lifecycle-manager-[bcdfghjklmnpqrstvwxz2456789]{5}\n$", result.Out);
        var body = JsonSerializer.Deserialize<WorkflowSubmitRequest>(server.Requests.Single(r => r.Operation == "WorkflowService_SubmitWorkflow").Body!, ArgoJson.Options)!;
        Assert.Equal(("argo", "WorkflowTemplate", "kata-lifecycle-manager"), (body.Namespace, body.ResourceKind, body.ResourceName));
        Assert.Equal("upgrade-all-nodes", body.SubmitOptions!.EntryPoint);
        Assert.Equal(["target-version=3.30.0", "node-selector=nvidia.com/gpu.present=true", "drain-enabled=true"], body.SubmitOptions.Parameters);
        Assert.Equal(result.Out.Trim(), body.SubmitOptions.Name);
        Assert.Empty(server.Violations);
    }

    [Fact]
    public async Task Wait_is_silent_until_the_end_and_reflects_the_result()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Scenario = "rainy";
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            "submit", "-p", "target-version=3.30.0", "--name", Rainy, "--wait");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{Rainy}\n{Rainy} Failed\n", result.Out);
        Assert.StartsWith($"error: {Rainy} Failed: node node-b failed at step verify", result.Error);
    }

    [Fact]
    public async Task Refused_token_exits_3_naming_the_url_and_status()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server, token: "not-the-token"), null,
            "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"GET http://{server.Address}/api/v1/workflow-templates/argo/kata-lifecycle-manager: HTTP 401 Unauthorized", result.Error);
        Assert.Contains("ARGO_TOKEN", result.Error);
        Assert.DoesNotContain("   at ", result.Error); // no stack trace without --verbose
        Assert.Equal(0, server.Count("WorkflowService_SubmitWorkflow"));
    }

    [Theory]
    [InlineData(FakeArgoServer.Token)]
    [InlineData("Bearer " + FakeArgoServer.Token)]
    public async Task Token_is_accepted_bare_or_with_its_scheme(string token)
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server, token: null), null,
            "submit", "-p", "target-version=3.30.0", "--token", token);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Missing_template_exits_4_with_how_to_install_the_chart()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.TemplateInstalled = false;
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null,
            "submit", "-n", "kata", "-p", "target-version=3.30.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("WorkflowTemplate kata-lifecycle-manager not found in namespace kata", result.Error);
        Assert.Contains("helm install kata-lifecycle-manager charts/kata-lifecycle-manager -n kata --set argoNamespace=kata --set-file defaults.verificationPod=pod.yaml", result.Error);
        Assert.Contains("kata-argo template -n kata --set-file defaults.verificationPod=pod.yaml | kubectl apply --server-side -f -", result.Error);
        Assert.Equal(0, server.Count("WorkflowService_SubmitWorkflow"));
    }

    /// <summary>TLS to a plain-HTTP server fails before any certificate: -k would not help, -e false would.</summary>
    [Fact]
    public async Task TLS_to_a_plain_HTTP_server_suggests_secure_false_not_skipping_verification()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server, secure: true), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"https://{server.Address}/", result.Error);
        Assert.Contains("TLS handshake failed", result.Error);
        Assert.EndsWith("the server did not answer in TLS; if it serves plain HTTP, pass -e false (--secure=false) or set ARGO_SECURE=false\n", result.Error);
        Assert.DoesNotContain("insecure-skip-verify", result.Error);
    }

    [Fact]
    public async Task Self_signed_certificate_is_refused_unless_verification_is_skipped()
    {
        using var certificate = TestCertificate.SelfSigned();
        await using var server = await FakeArgoServer.StartAsync(certificate);

        var refused = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server, secure: true), null, "submit", "-p", "target-version=3.30.0");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"https://{server.Address}/", refused.Error);
        Assert.Contains("-k/--insecure-skip-verify", refused.Error);
        Assert.DoesNotContain("-e false", refused.Error);
        Assert.Empty(server.Requests);

        var skipped = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server, secure: true), null, "submit", "-k", "-p", "target-version=3.30.0");
        Assert.True(skipped.ExitCode == 0, skipped.ToString());

        var fromEnvironment = CliRunner.ArgoEnvironment(server, secure: true);
        fromEnvironment["ARGO_INSECURE_SKIP_VERIFY"] = "true";
        Assert.Equal(0, (await CliRunner.RunAsync(fromEnvironment, null, "submit", "-p", "target-version=3.30.0")).ExitCode);
    }

    [Fact]
    public async Task Transient_503_is_retried_with_backoff_then_succeeds()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Fail("WorkflowTemplateService_GetWorkflowTemplate", 503, times: 2);
        var clock = new FastClock(CliRunner.RecordedStart);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), clock, "submit", "-p", "target-version=3.30.0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, server.Count("WorkflowTemplateService_GetWorkflowTemplate"));
        Assert.Equal(2, clock.Waits.Count); // one backoff before each retry (exponential, jittered, at most 8s)
        Assert.All(clock.Waits, wait => Assert.InRange(wait, TimeSpan.FromMilliseconds(1), RetryOptions.Default.MaxDelay));
    }

    [Fact]
    public async Task Persistent_503_gives_up_after_a_bounded_number_of_attempts_with_exit_3()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Fail("WorkflowTemplateService_GetWorkflowTemplate", 503, times: 100);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("HTTP 503 Service Unavailable", result.Error);
        Assert.Equal(5, server.Count("WorkflowTemplateService_GetWorkflowTemplate"));
    }

    [Fact]
    public async Task Bad_request_is_not_retried()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.Fail("WorkflowService_SubmitWorkflow", 400);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("HTTP 400 Bad Request", result.Error);
        Assert.Equal(1, server.Count("WorkflowService_SubmitWorkflow"));
    }

    [Fact]
    public async Task A_retried_submission_whose_first_answer_was_lost_starts_one_run()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.LoseNextSubmitAnswer = true;
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0", "--name", Sunny);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sunny + "\n", result.Out);
        Assert.Equal([503, 409], server.Requests.Where(r => r.Operation == "WorkflowService_SubmitWorkflow").Select(r => r.Status));
    }

    [Fact]
    public async Task Unreachable_server_exits_3_naming_the_url()
    {
        var port = System.Net.Sockets.TcpListener.Create(0) is var listener && Start(listener) ? ((System.Net.IPEndPoint)listener.LocalEndpoint).Port : 0;
        listener.Stop(); // nothing listens there any more
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["ARGO_SERVER"] = $"127.0.0.1:{port}", ["ARGO_SECURE"] = "false" }, null,
            "submit", "-p", "target-version=3.30.0");

        Assert.Equal(3, result.ExitCode);
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Equal($"error: cannot reach the Argo server at http://127.0.0.1:{port}/: GET http://127.0.0.1:{port}/api/v1/workflow-templates/argo/kata-lifecycle-manager: connection refused", lines[^1]);
        // Each retry is announced while it happens.
        Assert.Equal(4, lines[..^1].Count(l => l.StartsWith($"warning: GET http://127.0.0.1:{port}/api/v1/workflow-templates/argo/kata-lifecycle-manager: connection refused; retry ", StringComparison.Ordinal)));
    }

    private static bool Start(System.Net.Sockets.TcpListener listener)
    {
        listener.Start();
        return true;
    }
}
