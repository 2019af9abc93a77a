using KataArgo.Submitter;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KataArgo.Cli.Progress;

/// <summary>The watch on a terminal: a table of the nodes in upgrade order, redrawn as the run goes.</summary>
internal static class LiveProgress
{
    public static bool IsTerminal(CliConsole console) =>
        ReferenceEquals(console.Out, Console.Out) && !Console.IsOutputRedirected && console.Env("TERM") is not "dumb";

    public static async Task<RunProgress?> ShowAsync(CliConsole console, IAsyncEnumerable<RunProgress> runs, CancellationToken cancellationToken)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        RunProgress? last = null;
        await ansi.Live(new Text("waiting for the workflow...")).AutoClear(false).StartAsync(async context =>
        {
            using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1), console.Clock);
            var enumerator = runs.GetAsyncEnumerator(cancellationToken);
            var next = enumerator.MoveNextAsync().AsTask();
            var tick = ticker.WaitForNextTickAsync(cancellationToken).AsTask();
            try
            {
                while (true)
                {
                    if (tick.IsCompleted)
                        tick = ticker.WaitForNextTickAsync(cancellationToken).AsTask();
                    if (await Task.WhenAny(next, tick).ConfigureAwait(false) == next)
                    {
                        if (!await next.ConfigureAwait(false))
                            break;
                        last = enumerator.Current;
                        next = enumerator.MoveNextAsync().AsTask();
                    }
                    if (last is not null)
                        context.UpdateTarget(Render(last, console.Clock.GetUtcNow()));
                    context.Refresh();
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return last;
    }

    private static IRenderable Render(RunProgress run, DateTimeOffset now)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(run.Name)}  [bold]{Markup.Escape(run.Phase)}[/]")
            .Caption(Markup.Escape(string.Join("   ", new[]
            {
                ProgressText.Versions(run),
                run.Elapsed(now) is { } elapsed ? ProgressText.Duration(elapsed) : null,
                run.IsFinished ? run.Message : run.CurrentStep,
            }.Where(s => !string.IsNullOrEmpty(s)))));
        table.AddColumns("#", "NODE", "STATUS", "VERSION", "ELAPSED");
        var index = 0;
        foreach (var node in run.Nodes)
            table.AddRow(
                new Text((++index).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(node.Node),
                new Markup($"[{Color(node.Status)}]{Markup.Escape(node.Status)}[/]"),
                new Text(node.Version ?? "-"),
                new Text(node.Elapsed(now) is { } e ? ProgressText.Duration(e) : "-"));
        return run.Nodes.Count > 0 ? table : new Markup($"{Markup.Escape(run.Name)} [bold]{Markup.Escape(run.Phase)}[/] {Markup.Escape(run.CurrentStep ?? "")}");
    }

    private static string Color(string status) => status switch
    {
        "completed" => "green",
        "failed" => "red",
        "rolled-back" => "yellow",
        NodeProgress.Pending or NodeProgress.NotStarted => "grey",
        _ => "blue",
    };
}
