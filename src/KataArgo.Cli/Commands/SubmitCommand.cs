using System.CommandLine;
using KataArgo.Cli.Progress;
using KataArgo.Lifecycle;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>
/// `submit -p target-version=X [-p k=v ...] [--entrypoint E] [--watch|--wait]`: runs the
/// kata-lifecycle-manager WorkflowTemplate and prints the run's name.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(CliConsole console)
    {
        var parameters = ClusterOptions.Parameters("workflow parameter NAME=VALUE (repeatable), e.g. -p target-version=3.29.0");
        var entrypoint = new Option<string?>("--entrypoint") { Description = $"entrypoint: {string.Join(", ", LifecycleWorkflow.Entrypoints)} (default {LifecycleWorkflow.UpgradeAllNodes})" };
        var name = new Option<string?>("--name") { Description = "name of the run (default: kata-lifecycle-manager-xxxxx)" };
        var watch = WatchOption();
        var wait = WaitOption();
        var command = new Command("submit", "submit a run of the kata-lifecycle-manager WorkflowTemplate and print its name")
        {
            parameters, entrypoint, name, watch, wait,
        };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var mode = Mode(parsed, watch, wait);
            var request = RunRequest.Create(parsed.GetValue(entrypoint), parsed.GetValue(parameters) ?? [], parsed.GetValue(name));
            var connection = ConnectionSettings.Resolve(cluster.Flags(parsed, console), console.Env);
            using var transport = WorkflowTransport.Create(connection, console.Clock, ClusterOptions.Retry(console));
            return await SubmitAsync(console, transport, request, mode, cancellationToken);
        }));
        return command;
    }

    /// <summary>Submits, prints the name, and follows the run when asked to; shared with recover.</summary>
    public static async Task<int> SubmitAsync(CliConsole console, WorkflowTransport transport, RunRequest request, WatchMode? mode, CancellationToken cancellationToken)
    {
        var workflow = await transport.SubmitAsync(request, cancellationToken);
        var runName = workflow.Metadata.Name ?? request.Name;
        console.Out.WriteLine(runName);
        console.Out.Flush();
        return mode is { } m ? await RunWatch.FollowAsync(console, transport, runName, m, cancellationToken, workflow) : ExitCodes.Success;
    }

    public static Option<bool> WatchOption() => new("--watch", "-w") { Description = "show per-node progress until the run ends; the exit code reflects its result" };

    public static Option<bool> WaitOption() => new("--wait") { Description = "wait silently until the run ends; the exit code reflects its result" };

    public static WatchMode? Mode(ParseResult parsed, Option<bool> watch, Option<bool> wait) => (parsed.GetValue(watch), parsed.GetValue(wait)) switch
    {
        (true, true) => throw new UsageException("--watch and --wait exclude each other; choose one"),
        (true, _) => WatchMode.Watch,
        (_, true) => WatchMode.Wait,
        _ => null,
    };
}
