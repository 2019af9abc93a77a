using System.CommandLine;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using KataArgo.Submitter;

namespace KataArgo.Cli.Commands;

/// <summary>
/// `recover NAME`: for a run stopped without its exit handler (<c>argo terminate</c>), submits the
/// <c>recover</c> entrypoint with <c>-p run=NAME</c> and the run's own Helm release and namespace,
/// so it takes the same mutex and restores the same release.
/// </summary>
internal static class RecoverCommand
{
    public static Command Create(CliConsole console)
    {
        var name = WatchCommand.RunName("the run to clean up after");
        var parameters = ClusterOptions.Parameters("further workflow parameter NAME=VALUE (repeatable), e.g. -p recycle-timeout=20m");
        var runName = new Option<string?>("--name") { Description = "name of the recover run (default: kata-lifecycle-manager-xxxxx)" };
        var watch = SubmitCommand.WatchOption();
        var wait = SubmitCommand.WaitOption();
        var command = new Command("recover", "roll back what a stopped run left behind (submits the recover entrypoint)")
        {
            name, parameters, runName, watch, wait,
        };
        var cluster = ClusterOptions.AddTo(command);
        command.SetAction((parsed, cancellationToken) => ClusterOptions.Run(console, async () =>
        {
            var run = WatchCommand.CheckRunName(parsed.GetValue(name)!);
            var mode = SubmitCommand.Mode(parsed, watch, wait);
            var extra = RunRequest.ParseAssignments(parsed.GetValue(parameters) ?? []);
            if (extra.FirstOrDefault(p => p.Key is "run" or "helm-release" or "helm-namespace") is { Key: { } fixedName })
                throw new UsageException($"{fixedName} is taken from the run {run}; do not pass -p {fixedName}");
            var connection = ConnectionSettings.Resolve(cluster.Flags(parsed, console), console.Env);
            using var transport = WorkflowTransport.Create(connection, console.Clock, ClusterOptions.Retry(console));

            var original = await transport.GetWorkflowAsync(run, cancellationToken);
            if (!WorkflowWatcher.IsFinished(original))
                throw new UsageException($"{run} is still {(string.IsNullOrEmpty(original.Status?.Phase) ? "Pending" : original.Status.Phase)}; stop it first (argo stop {run} runs its exit handler; argo terminate does not), or wait for it");
            var assignments = new[]
            {
                $"{WorkflowParameters.Run.Name}={run}",
                $"{WorkflowParameters.HelmRelease.Name}={Argument(original, WorkflowParameters.HelmRelease)}",
                $"{WorkflowParameters.HelmNamespace.Name}={Argument(original, WorkflowParameters.HelmNamespace)}",
            }.Concat(extra.Select(p => $"{p.Key}={p.Value}"));
            var request = RunRequest.Create(LifecycleWorkflow.Recover, assignments, parsed.GetValue(runName));
            return await SubmitCommand.SubmitAsync(console, transport, request, mode, cancellationToken);
        }));
        return command;
    }

    /// <summary>The value the run was given, else the template's default it ran with, else the catalog's.</summary>
    public static string Argument(Workflow workflow, WorkflowParameter parameter) =>
        new[] { workflow.Spec.Arguments, workflow.Status?.StoredWorkflowTemplateSpec?.Arguments }
            .Select(a => a?.Parameters?.FirstOrDefault(p => p.Name == parameter.Name)?.Value)
            .FirstOrDefault(v => !string.IsNullOrEmpty(v))
        ?? parameter.Default;
}
