using System.Text;
using KataArgo.Lifecycle;
using KataArgo.Submitter;

namespace KataArgo.Cli.Progress;

/// <summary>The release's rollout as text: the open rollout's block with what to run next, or one line for the last one.</summary>
internal static class RolloutText
{
    /// <summary>Node names listed in full up to this many; more are counted, and the next command targets all nodes left.</summary>
    public const int MaxListedNodes = 8;

    /// <summary>The block <c>status</c> and <c>plan</c> show; one line for a completed or rolled-back rollout.</summary>
    public static string Format(RolloutState state)
    {
        var r = state.Record;
        var release = $"Helm release {r.Release} in {r.Namespace}";
        if (!r.IsOpen)
            return $"Last rollout {r.Rollout} ({release}): {r.PreRolloutVersion} -> {r.TargetVersion} {(r.Phase == RolloutPhase.Completed ? "completed" : "rolled back")} ({Count(r.Runs.Count, "run")})\n";

        var text = new StringBuilder($"Open rollout {r.Rollout} ({release}): {r.PreRolloutVersion} -> {r.TargetVersion}, phase {RolloutRecord.PhaseText(r.Phase)}\n");
        var rows = new List<string[]> { new[] { "runs:", $"{r.Runs.Count} ({string.Join(", ", r.Runs)})" } };
        if (r.Phase == RolloutPhase.RollingBack)
        {
            rows.Add(["rolled back:", Nodes(state.Done)]);
            rows.Add(["to roll back:", Nodes(state.Left)]);
            rows.Add(["next:", $"{Recover(state)}   (finishes the rollback to {r.PreRolloutVersion}, node by node)"]);
        }
        else
        {
            if (RolloutRules.ReleaseChanged(state) is { } changed)
                rows.Add(["warning:", changed]);
            rows.Add(["nodes done:", Nodes(state.Done)]);
            rows.Add(["nodes left:", Nodes(state.Left)]);
            rows.Add(["next:", $"{Continue(state)}   ({NextReason(state)})"]);
            rows.Add(["roll back:", $"{Recover(state)}   (every node back to {r.PreRolloutVersion}, one at a time)"]);
        }
        foreach (var row in rows)
            text.Append($"  {row[0],-14}{row[1]}\n");
        return text.ToString();
    }

    /// <summary>The kata-argo command that continues the rollout: the same target, for the nodes left.</summary>
    public static string Continue(RolloutState state)
    {
        var nodes = state.Left.Count is > 0 and <= MaxListedNodes && state.Record.Phase == RolloutPhase.Staged
            ? $" -p {WorkflowParameters.Nodes.Name}={string.Join(",", state.Left)}"
            : "";
        return $"kata-argo submit{Namespace(state)} -p {WorkflowParameters.TargetVersion.Name}={state.Record.TargetVersion}{RolloutRules.ReleaseParameters(state.Record)}{nodes}";
    }

    /// <summary>The kata-argo command that rolls the rollout back, or finishes its rollback.</summary>
    public static string Recover(RolloutState state) =>
        $"kata-argo submit{Namespace(state)} --entrypoint {LifecycleWorkflow.Recover} -p {WorkflowParameters.Run.Name}={state.Record.Rollout}{RolloutRules.ReleaseParameters(state.Record)}";

    private static string NextReason(RolloutState state) => state switch
    {
        { Record.Phase: RolloutPhase.Finishing } => "finish's helm upgrade did not complete; the same target retries it",
        { Left.Count: 0 } => "every node is done; the same target finishes the rollout",
        { Left.Count: > MaxListedNodes } => $"the {state.Left.Count} nodes left; add -p nodes=... or -p node-selector=... for a part",
        _ => "the nodes left; nodes done are skipped",
    };

    private static string Namespace(RolloutState state) =>
        state.WorkflowNamespace == ConnectionSettings.DefaultNamespace ? "" : $" -n {state.WorkflowNamespace}";

    private static string Nodes(IReadOnlyList<string> nodes) => nodes.Count switch
    {
        0 => "0",
        <= MaxListedNodes => $"{nodes.Count} ({string.Join(", ", nodes)})",
        _ => $"{nodes.Count} ({string.Join(", ", nodes.Take(MaxListedNodes))}, ...)",
    };

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
