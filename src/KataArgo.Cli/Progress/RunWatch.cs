using System.Runtime.CompilerServices;
using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>How a run is followed to its end.</summary>
internal enum WatchMode
{
    /// <summary>A live table on a terminal, one line per change otherwise.</summary>
    Watch,
    /// <summary>Nothing until the end (<c>--wait</c>).</summary>
    Wait,
}

/// <summary>Follows a run to its end, shows it, and returns the exit code that reflects its result.</summary>
internal static class RunWatch
{
    /// <param name="current">The run as just read, if it was: shown at once, before the event stream is opened; a finished run is not watched.</param>
    public static async Task<int> FollowAsync(CliConsole console, WorkflowTransport transport, string name, WatchMode mode, CancellationToken cancellationToken,
        Argo.Workflows.Client.Workflow? current = null)
    {
        var watcher = new WorkflowWatcher(transport, console.Clock) { Notice = message => console.Error.WriteLine("warning: " + message) };
        var runs = current is not null && WorkflowWatcher.IsFinished(current)
            ? Read(Once(current), cancellationToken)
            : Read(watcher.WatchAsync(name, cancellationToken, current), cancellationToken);
        RunProgress? last = null;
        if (mode == WatchMode.Watch && LiveProgress.IsTerminal(console))
        {
            last = await LiveProgress.ShowAsync(console, runs, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var plain = mode == WatchMode.Watch ? new PlainProgress(console.Out, console.Clock) : null;
            await foreach (var run in runs.ConfigureAwait(false))
            {
                plain?.Show(run);
                last = run;
            }
            if (last is not null)
            {
                if (mode == WatchMode.Watch)
                    console.Out.Write("\n" + ProgressText.Format(last, console.Clock.GetUtcNow()));
                else
                    console.Out.WriteLine($"{last.Name} {last.Phase}");
            }
        }
        return last is null
            ? throw new CliException(ExitCodes.Failed, $"the watch of {name} ended before the run did")
            : RunOutcome.Finish(last);
    }

#pragma warning disable CS1998 // an async iterator of one element
    private static async IAsyncEnumerable<Argo.Workflows.Client.Workflow> Once(Argo.Workflows.Client.Workflow workflow)
    {
        yield return workflow;
    }
#pragma warning restore CS1998

    private static async IAsyncEnumerable<RunProgress> Read(IAsyncEnumerable<Argo.Workflows.Client.Workflow> workflows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var workflow in workflows.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return RunProgress.Read(workflow);
    }
}
