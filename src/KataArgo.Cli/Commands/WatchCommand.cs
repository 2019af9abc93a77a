using KataArgo.Lifecycle;
using System.CommandLine;
using KataArgo.Cli.Progress;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>`watch NAME`: live per-node progress of a run until it ends; the exit code reflects its result.</summary>
internal static class WatchCommand
{
    public static Command Create(CliConsole console)
    {
        var name = RunName("the run to watch");
        var command = new Command("watch", "follow a run's per-node progress until it ends") { name };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var run = CheckRunName(parsed.GetValue(name)!);
            var connection = ConnectionSettings.Resolve(cluster.Flags(parsed, console), console.Env);
            using var transport = WorkflowTransport.Create(connection, console.Clock, ClusterOptions.Retry(console));
            // Names a missing run before watching, and shows a finished one at once.
            var current = await transport.GetWorkflowAsync(run, cancellationToken);
            return await RunWatch.FollowAsync(console, transport, run, WatchMode.Watch, cancellationToken, current);
        }));
        return command;
    }

    public static Argument<string> RunName(string description) => new("NAME") { Description = description };

    /// <summary>The run's name as the user gave it; an option taken for it (<c>watch --foo</c>) is refused before, as an unknown option (KataArgoCli).</summary>
    public static string CheckRunName(string name) =>
        ParameterRules.IsDnsLabel(name) || name.Length <= 253 && name.Split('.').All(ParameterRules.IsDnsLabel)
            ? name
            : throw new UsageException($"'{name}' is not a workflow name; use lowercase letters, digits, '-' and '.'");
}
