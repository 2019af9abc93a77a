using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>
/// The watch for logs and pipes: one line per change (<c>12:00:03 node-b verifying</c>), each
/// printed once. Changes Argo dates (steps, a node's start and end) come in Argo's time order,
/// however often the run was looked at; a node's phases in between (Argo has only its progress
/// N/5 for them) are printed when first seen, dated by the controller's last write of the
/// Workflow that showed them (or the watcher's clock when the object has no such date).
/// </summary>
internal sealed class PlainProgress(TextWriter output, TimeProvider clock)
{
    private readonly HashSet<ProgressEvent> _printed = [];
    private readonly Dictionary<string, string> _shown = [];

    public void Show(RunProgress run)
    {
        foreach (var change in run.Events.Where(_printed.Add))
        {
            output.WriteLine(change.Line);
            if (change.Subject == ProgressSubject.Node)
                _shown[change.Name] = change.Status;
        }
        foreach (var node in run.Nodes.Where(n => n.Status is "draining" or "upgrading" or "verifying"))
        {
            if (_shown.GetValueOrDefault(node.Node) == node.Status)
                continue;
            _shown[node.Node] = node.Status;
            output.WriteLine(new ProgressEvent(run.UpdatedAt ?? clock.GetUtcNow(), ProgressSubject.Node, node.Node, node.Status).Line);
        }
        output.Flush();
    }
}
