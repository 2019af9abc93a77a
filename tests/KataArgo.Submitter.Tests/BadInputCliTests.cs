using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>The parameter and command-line cases of the bad-input matrix, through `kata-argo`.</summary>
public class BadInputCliTests
{
    [Theory]
    [MemberData(nameof(BadInput.Ids), "parameter", MemberType = typeof(BadInput))]
    public async Task Submit_refuses_a_bad_parameter_before_sending_anything(string id)
    {
        var bad = BadInput.Get(id);
        await using var server = await FakeArgoServer.StartAsync();
        List<string> args = ["submit"];
        if (bad.Entrypoint is { } entrypoint)
            args.AddRange(["--entrypoint", entrypoint]);
        else if (!bad.Parameters.ContainsKey("target-version"))
            args.AddRange(["-p", "target-version=3.29.0"]);
        args.AddRange(bad.Parameters.SelectMany(p => new[] { "-p", $"{p.Key}={p.Value}" }));

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, [.. args]);

        Assert.Equal(bad.Exit, result.ExitCode);
        Assert.Equal("error: " + bad.Error + "\n", result.Error);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(DurationCases.Refused), MemberType = typeof(DurationCases))]
    public async Task Submit_refuses_a_duration_with_the_table_s_message_before_sending_anything(string parameter, string value, string error)
    {
        await using var server = await FakeArgoServer.StartAsync();

        var submit = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0", "-p", $"{parameter}={value}");

        Assert.Equal((2, "error: " + error + "\n"), (submit.ExitCode, submit.Error));
        Assert.Empty(server.Requests);
    }

    public static TheoryData<string> PodCases() =>
        [.. BadInput.Cases.Where(c => c.Layer == "cluster" && c.Parameters.ContainsKey("verification-pod")).Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(PodCases))]
    public async Task Submit_refuses_a_verification_pod_preflight_would_refuse_with_the_same_line_before_sending_anything(string id)
    {
        var bad = BadInput.Get(id);
        await using var server = await FakeArgoServer.StartAsync();
        string[] args = ["submit", "-p", "target-version=3.30.0", .. bad.Parameters.SelectMany(p => new[] { "-p", $"{p.Key}={BadInput.ParameterValue(p.Value)}" })];

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: " + bad.Error + "\n", result.Error);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(BadInput.Ids), "cli", MemberType = typeof(BadInput))]
    public async Task The_command_line_refuses_with_its_exit_code_and_submits_nothing(string id)
    {
        var bad = BadInput.Get(id);
        using var certificate = TestCertificate.SelfSigned();
        var server = await FakeArgoServer.StartAsync(bad.Server == "self-signed" ? certificate : null);
        var environment = CliRunner.ArgoEnvironment(server, secure: bad.Server == "self-signed",
            token: bad.Server == "wrong-token" ? "not-the-token" : FakeArgoServer.Token);
        server.TemplateInstalled = bad.Server != "no-template";
        if (bad.Server == "stopped")
            await server.DisposeAsync();

        var result = await CliRunner.RunAsync(environment, null, bad.Args);

        Assert.Equal(bad.Exit, result.ExitCode);
        // One error line, last; before it only the retries, each announced as it happens.
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.StartsWith("error: ", lines[^1]);
        Assert.Contains(bad.Error.Replace("{server}", server.Address), lines[^1]);
        Assert.All(lines[..^1], line => Assert.Matches("^warning: .*; retry [0-9] of [0-9] in ", line));
        Assert.Equal(0, server.Count("WorkflowService_SubmitWorkflow"));
        if (bad.Server != "stopped")
            await server.DisposeAsync();
    }
}
