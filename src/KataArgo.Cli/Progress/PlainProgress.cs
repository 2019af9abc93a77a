using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>
/// The watch for logs and pipes: one line per change (<c>12:00:03 node-b verifying</c>), each
/// printed once, in Argo's time order, however often the run was looked at.
/// </summary>
internal sealed class PlainProgress(TextWriter output)
{
    private readonly HashSet<ProgressEvent> _printed = [];

    public void Show(RunProgress run)
    {
        foreach (var change in run.Events.Where(_printed.Add))
            output.WriteLine(change.Line);
        output.Flush();
    }
}
