using System.Globalization;
using System.Text;
using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>The plain-text status view of a run (what <c>status</c> prints), times in UTC.</summary>
internal static class ProgressText
{
    public static string Format(RunProgress run, DateTimeOffset now)
    {
        var text = new StringBuilder();
        void Field(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                text.Append(CultureInfo.InvariantCulture, $"{name + ":",-12}{value}\n");
        }
        Field("Name", run.Name);
        Field("Namespace", run.Namespace);
        Field("Entrypoint", run.Entrypoint);
        Field("Phase", run.Phase);
        Field("Versions", Versions(run));
        Field("Started", run.StartedAt is { } started ? started.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : null);
        Field("Duration", run.Elapsed(now) is { } elapsed ? Duration(elapsed) : null);
        Field("Step", run.IsFinished ? null : run.CurrentStep);
        Field("Failed at", run.Failure is { } failure ? RunOutcome.Where(failure) + (string.IsNullOrEmpty(failure.Message) ? "" : $": {failure.Message}") : null);
        Field("Message", RunOutcome.IsArgoChildFailure(run.Message) || run.Message == run.Failure?.Message ? null : run.Message);
        if (run.Nodes.Count > 0)
        {
            text.Append('\n');
            text.Append(Table(["NODE", "STATUS", "VERSION", "ELAPSED"],
                run.Nodes.Select(n => new[] { n.Node, n.Status, n.Version ?? "-", n.Elapsed(now) is { } e ? Duration(e) : "-" })));
        }
        return text.ToString();
    }

    public static string? Versions(RunProgress run) => (run.FromVersion, run.TargetVersion) switch
    {
        ({ Length: > 0 } from, { Length: > 0 } to) => $"{from} -> {to}",
        (_, { Length: > 0 } to) => $"-> {to}",
        _ => null,
    };

    /// <summary>"45s", "2m05s", "1h02m".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
            : $"{(int)span.TotalSeconds}s";
    }

    /// <summary>Columns padded to their widest cell, two spaces apart, like kubectl.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header.ToArray() };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
            text.Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        return text.ToString();
    }
}
