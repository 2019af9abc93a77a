using KataArgo.Cli;
using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>Runs kata-argo in-process with its own environment (nothing from the machine's) and a fast clock.</summary>
public static class CliRunner
{
    /// <summary>When the recorded runs start.</summary>
    public static readonly DateTimeOffset RecordedStart = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);

    public static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, FastClock? clock, params string[] args) =>
        RunAsync(environment, clock, null, new StringWriter { NewLine = "\n" }, args);

    /// <param name="retry">Shorter timeouts than the product's, for a server that never answers.</param>
    /// <param name="output">Standard output, for a test that looks at it while the command runs.</param>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, FastClock? clock, RetryOptions? retry, StringWriter output, params string[] args)
    {
        var error = new StringWriter { NewLine = "\n" };
        var home = Path.Combine(Path.GetTempPath(), "kata-argo-tests-home");
        var env = new Dictionary<string, string?>(environment);
        env.TryAdd("HOME", home);
        var console = new CliConsole(output, error, home, env) { Clock = clock ?? new FastClock(RecordedStart), Retry = retry ?? RetryOptions.Default };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await KataArgoCli.RunAsync(args, console, timeout.Token);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The environment of an argo CLI user pointed at <paramref name="server"/>.</summary>
    public static Dictionary<string, string?> ArgoEnvironment(FakeArgoServer server, bool secure = false, string? token = FakeArgoServer.Token) => new()
    {
        ["ARGO_SERVER"] = server.Address,
        ["ARGO_SECURE"] = secure ? "true" : "false",
        ["ARGO_TOKEN"] = token,
    };
}
