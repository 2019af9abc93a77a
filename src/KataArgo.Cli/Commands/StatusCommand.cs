using System.CommandLine;
using KataArgo.Cli.Progress;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>`status NAME`: the per-node view of a run, once. Exit 1 when the run failed.</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var name = WatchCommand.RunName("the run to show");
        var command = new Command("status", "show a run's per-node progress once") { name };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var runName = WatchCommand.CheckRunName(parsed.GetValue(name)!);
            var connection = ConnectionSettings.Resolve(cluster.Flags(parsed, console), console.Env);
            using var transport = WorkflowTransport.Create(connection, console.Clock, ClusterOptions.Retry(console));
            var run = RunProgress.Read(await transport.GetWorkflowAsync(runName, cancellationToken));
            console.Out.Write(ProgressText.Format(run, console.Clock.GetUtcNow()));
            return RunOutcome.Finish(run);
        }));
        return command;
    }
}
