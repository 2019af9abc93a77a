using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>The exit code of a finished (or still running) run, and the one line that explains a failure.</summary>
internal static class RunOutcome
{
    public static int ExitCode(RunProgress run) => run.Phase is "Failed" or "Error" ? ExitCodes.Failed : ExitCodes.Success;

    /// <summary>Throws the one-line failure of a failed run: which node, which step, what Argo said, what to do.</summary>
    public static int Finish(RunProgress run)
    {
        if (ExitCode(run) == ExitCodes.Success)
            return ExitCodes.Success;
        throw new CliException(ExitCodes.Failed, Describe(run));
    }

    /// <summary>"node node-b, step verify"; "step stage"; "the run was stopped".</summary>
    public static string Where(RunFailure failure) => failure switch
    {
        { Node: { } node, Step: { } step } => $"node {node}, step {step}",
        { Step: { } step } => $"step {step}",
        _ => "the run was stopped",
    };

    /// <summary>Argo's message of a steps node whose child failed: says nothing the failed pod does not say better.</summary>
    public static bool IsArgoChildFailure(string? message) =>
        message is not null && message.StartsWith("child '", StringComparison.Ordinal) && message.EndsWith("' failed", StringComparison.Ordinal);

    public static string Describe(RunProgress run)
    {
        var failure = run.Failure;
        var where = failure switch
        {
            { Node: { } node, Step: var step } => $"node {node} failed at step {step}",
            { Step: { } step } => $"step {step} failed",
            _ => "the run was stopped",
        };
        var said = failure?.Message ?? (IsArgoChildFailure(run.Message) ? null : run.Message);
        var line = $"{run.Name} {run.Phase}: {where}{(string.IsNullOrEmpty(said) ? "" : $" ({said})")}";
        var touched = run.Nodes.Any(n => n.StartedAt is not null);
        if (run.CleanupFailed)
            return line + $"; the exit handler's cleanup failed too: run `kata-argo recover {run.Name}`";
        if (run.Nodes.Any(n => n.Status == "rolled-back"))
            return line + "; the exit handler rolled back the release and the nodes it touched";
        if (touched && run.Entrypoint == Lifecycle.LifecycleWorkflow.UpgradeAllNodes)
            return line + $"; if nodes were left cordoned, run `kata-argo recover {run.Name}`";
        return line;
    }
}
