using System.CommandLine;
using KataArgo.Chart;

namespace KataArgo.Cli.Commands;

/// <summary>`render [--out DIR] [--check]`: writes the chart, or reports how DIR differs from it.</summary>
internal static class RenderCommand
{
    public static Command Create(CliConsole console)
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = "chart directory to write: new, empty, or this chart's own (anything else is refused)",
            DefaultValueFactory = _ => ChartMetadata.DefaultDirectory,
        };
        var check = new Option<bool>("--check") { Description = "write nothing; exit 1 with a summary when the directory differs" };
        var command = new Command("render", "write the kata-lifecycle-manager Helm chart") { output, check };
        command.SetAction(parsed =>
        {
            var shown = parsed.GetValue(output)!;
            var directory = CliPaths.Directory(console, shown, "render --out " + shown);
            var files = ChartRenderer.Render();
            if (parsed.GetValue(check))
                return Check(console, shown, directory, files);
            if (ChartDirectory.WhyNotWritable(directory, files) is { } reason)
                throw new UsageException($"render --out {shown}: the directory is not empty and is not the {ChartMetadata.Name} chart ({reason}); " +
                    "give a new or empty directory, or the chart's own");
            try
            {
                ChartDirectory.Write(directory, files);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"render --out {shown}: cannot be written ({e.Message}); give a directory you can write");
            }
            console.Out.WriteLine($"wrote {files.Count} files to {shown}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Check(CliConsole console, string shownPath, string directory, IReadOnlyDictionary<string, string> files)
    {
        var changes = ChartDirectory.Diff(directory, files);
        if (changes.Count == 0)
        {
            console.Out.WriteLine($"{shownPath} is up to date");
            return ExitCodes.Success;
        }
        foreach (var change in changes)
            console.Out.WriteLine(change);
        var count = changes.Count == 1 ? "1 file" : $"{changes.Count} files";
        var next = ChartDirectory.WhyNotWritable(directory, files) is { } reason
            ? $"render will not write it ({reason}): move what is not the chart's away, then run `kata-argo render --out {shownPath}`"
            : $"run `kata-argo render --out {shownPath}`";
        console.Error.WriteLine($"error: {shownPath} differs from what the code renders in {count}; {next}");
        return ExitCodes.Failed;
    }
}
