using System.Text.RegularExpressions;
using System.Text.Json;
using Argo.Workflows.Client;
using KataArgo.Submitter.Tests.Fakes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>`watch`, `status` and `recover` of existing runs on the Argo server.</summary>
public class WatchStatusRecoverTests
{
    private const string Sunny = "kata-lifecycle-manager-7xk2p";
    private const string Rainy = "kata-lifecycle-manager-q9m4t";

    /// <summary>`submit --watch` prints the run name, then exactly what `watch` prints.</summary>
    private static string WatchOutput(string scenario) => Snapshot.Updating
        ? ""
        : File.ReadAllText(Repo.Path("snapshots", "cli", $"watch-{scenario}.txt")).Split('\n', 2)[1];

    [Fact]
    public async Task Watch_reconnects_after_the_event_stream_drops_and_misses_nothing()
    {
        await using var server = await FakeArgoServer.StartAsync();
        // Frozen: the run moves on only while the stream sends, so the state the drop may have cut
        // off in flight is still the run's state when the watch looks again (no time passes between).
        server.AddRun("sunny", frozen: true);
        server.DropFirstStreamAfter = 4;
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "watch", Sunny);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, server.StreamConnections);
        Assert.Contains($"warning: the event stream of {Sunny} failed", result.Error);
        if (!Snapshot.Updating)
            Assert.Equal(WatchOutput("sunny"), result.Out);
        Assert.Empty(server.Violations);
    }

    [Fact]
    public async Task Watch_falls_back_to_polling_when_the_stream_keeps_failing()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("rainy");
        server.StreamUnavailable = true;
        var clock = new FastClock(CliRunner.RecordedStart);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), clock, "watch", Rainy);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, server.StreamConnections);
        Assert.True(server.Count("WorkflowService_GetWorkflow") > 10, "polled the workflow");
        Assert.Contains("polling every 5s instead", result.Error);
        Assert.Contains($"error: {Rainy} Failed: node node-b failed at step verify", result.Error);
        if (!Snapshot.Updating)
            Assert.Equal(WatchOutput("rainy"), result.Out);
    }

    /// <summary>
    /// A stream that accepts the request and never answers (a proxy that buffers it): the run as
    /// already read is shown before the stream is opened, each give-up is said with what is retried,
    /// and the watch polls instead.
    /// </summary>
    [Theory]
    [InlineData("watch")]
    [InlineData("submit")]
    public async Task A_stream_that_never_answers_does_not_hold_back_the_run_and_is_said_on_stderr(string command)
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("sunny", step: 5);
        server.StreamHangs = true;
        var output = new StringWriter { NewLine = "\n" };
        var shownBeforeEachStream = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OnStreamRequest = () => shownBeforeEachStream.Enqueue(output.ToString());
        var retry = RetryOptions.Default with { AttemptTimeout = TimeSpan.FromMilliseconds(300) };
        string[] args = command == "watch" ? ["watch", Sunny] : ["submit", "-p", "target-version=3.30.0", "--watch"];
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), new FastClock(CliRunner.RecordedStart), retry, output, args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, server.StreamConnections);
        var progress = result.Out.Split('\n').Where(line => line.Length > 9 && line[2] == ':' && line[5] == ':').ToList();
        Assert.NotEmpty(progress);
        if (command == "watch")
            Assert.StartsWith(progress[0] + "\n", shownBeforeEachStream.First());
        var stream = $"GET http://{server.Address}/api/v1/workflow-events/argo?";
        // Only the stream's: on a loaded machine a GET may be retried too.
        var notices = result.Error.TrimEnd('\n').Split('\n').Where(n => n.Contains("event stream")).ToArray();
        Assert.Matches($"^warning: the event stream of {Regex.Escape(RunName(result, command))} failed \\({Regex.Escape(stream)}[^ ]*: no answer within 0.3s\\); retry 1 of 2 in 2s$", notices[0]);
        Assert.EndsWith("no answer within 0.3s); retry 2 of 2 in 4s", notices[1]);
        Assert.EndsWith("no answer within 0.3s); polling every 5s instead", notices[2]);
        Assert.Equal(3, notices.Length);
    }

    private static string RunName(CliResult result, string command) => command == "watch" ? Sunny : result.Out.Split('\n')[0];

    [Fact]
    public async Task Watch_of_an_unknown_run_exits_2()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "watch", "kata-lifecycle-manager-nope1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("workflow kata-lifecycle-manager-nope1 not found in namespace argo", result.Error);
    }

    [Fact]
    public async Task Status_of_a_running_run_shows_each_node_and_exits_0()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var replay = WorkflowReplay.Load("sunny");
        var step = Enumerable.Range(0, replay.Steps).First(s => replay.Moment(s) == CliRunner.RecordedStart.AddSeconds(4 * 60 + 7));
        server.AddRun("sunny", step, frozen: true);
        var clock = new FastClock(replay.Moment(step).AddSeconds(20));
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), clock, "status", Sunny);

        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Verify("cli/status-running.txt", result.Out);
    }

    [Fact]
    public async Task Status_of_a_failed_run_exits_1_with_the_failure()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("rainy", int.MaxValue, frozen: true);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "status", Rainy);

        Assert.Equal(1, result.ExitCode);
        Snapshot.Verify("cli/status-rainy.txt", result.Out);
        // After the warning that the release's rollout needs a kubeconfig (RolloutStatusTests).
        Assert.Contains($"\nerror: {Rainy} Failed: node node-b failed at step verify (verification failed (pod phase Failed) after 56s)", result.Error);
    }

    [Fact]
    public async Task Status_of_a_terminated_run_says_to_recover()
    {
        await using var server = await FakeArgoServer.StartAsync();
        var replay = WorkflowReplay.Load("sunny");
        var step = Enumerable.Range(0, replay.Steps).First(s => replay.Moment(s) == CliRunner.RecordedStart.AddSeconds(4 * 60 + 7));
        server.AddRun("sunny", step, frozen: true, edit: workflow =>
        {
            // argo terminate: the run fails at once and its exit handler never runs.
            workflow["status"]!["phase"] = "Failed";
            workflow["status"]!["message"] = "Stopped with strategy 'Terminate'";
            workflow["status"]!["finishedAt"] = "2025-06-02T12:04:30Z";
        });
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "status", Sunny);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith($"\nerror: {Sunny} Failed: the run was stopped (Stopped with strategy 'Terminate'); if nodes were left cordoned, run `kata-argo recover {Sunny}`\n", result.Error);
        Assert.Contains("node-b  verifying", result.Out);
    }

    [Fact]
    public async Task Recover_submits_the_recover_entrypoint_with_the_runs_release()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("rainy", int.MaxValue, frozen: true);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "recover", Rainy, "-p", "recycle-timeout=20m", "--name", "kata-lifecycle-manager-r2c4v");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("kata-lifecycle-manager-r2c4v\n", result.Out);
        var body = JsonSerializer.Deserialize<WorkflowSubmitRequest>(server.Requests.Single(r => r.Operation == "WorkflowService_SubmitWorkflow").Body!, ArgoJson.Options)!;
        Assert.Equal("recover", body.SubmitOptions!.EntryPoint);
        Assert.Equal([$"run={Rainy}", "helm-release=kata-deploy", "helm-namespace=kube-system", "recycle-timeout=20m"], body.SubmitOptions.Parameters);
        Assert.Empty(server.Violations);
    }

    [Fact]
    public async Task Recover_refuses_a_run_that_is_still_running()
    {
        await using var server = await FakeArgoServer.StartAsync();
        server.AddRun("sunny", 10, frozen: true);
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "recover", Sunny);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{Sunny} is still Running", result.Error);
        Assert.Equal(0, server.Count("WorkflowService_SubmitWorkflow"));
    }
}
