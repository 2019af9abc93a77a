using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>What a new run would do with the release's rollout.</summary>
public enum RolloutAction
{
    /// <summary>No rollout, or the last one is completed or rolled back: the run opens a new one.</summary>
    New,
    /// <summary>Same target as the open rollout: the run takes part in it; nodes already done are skipped.</summary>
    Continue,
    /// <summary>Preflight refuses the run; <see cref="RolloutVerdict.Reason"/> says why and what to run instead.</summary>
    Refused,
}

public sealed record RolloutVerdict(RolloutAction Action, string? Reason = null);

/// <summary>
/// The continue-or-refuse rules of a new run against the rollout record, as preflight applies
/// them (shared design of issue 13, ../shared/docs/lifecycle-spec.md section 8), and the commands
/// that move a rollout on, in the <c>argo</c> CLI's words (what preflight prints) and kata-argo's.
/// Not judged here: the Helm release's head revision and status, which need Helm's release
/// Secrets; preflight checks them.
/// </summary>
public static class RolloutRules
{
    /// <param name="selected">The nodes the run would upgrade, each with its rollout label value (null when unlabelled).</param>
    public static RolloutVerdict Judge(RolloutState? state, string targetVersion, IEnumerable<(string Node, string? Rollout)> selected)
    {
        var open = state is { Record.IsOpen: true } ? state : null;
        if (selected.FirstOrDefault(n => n.Rollout is not null && n.Rollout != open?.Record.Rollout) is { Node: { } node, Rollout: { } other })
            return new(RolloutAction.Refused,
                $"node {node} carries the label {RolloutRecord.Label}={other} of another rollout; finish or roll back rollout {other} first ({ArgoRecover(other, state?.Record)})");
        if (open is null)
            return new(RolloutAction.New);
        var record = open.Record;
        if (record.Phase == RolloutPhase.RollingBack)
            return new(RolloutAction.Refused, $"{Describe(open)}; run recover to finish the rollback: {ArgoRecover(record.Rollout, record)}");
        if (ReleaseChanged(open) is { } changed)
            return new(RolloutAction.Refused, $"{Describe(open)}; {changed}");
        if (record.TargetVersion != targetVersion)
            return new(RolloutAction.Refused,
                $"{Describe(open)}; a run to {targetVersion} is refused: finish it ({ArgoSubmit(record)}) or roll it back ({ArgoRecover(record.Rollout, record)})");
        return new(RolloutAction.Continue);
    }

    /// <summary>
    /// Why the release is not as the open rollout staged it, or null: while staged or finishing,
    /// the DaemonSet's chart version must be the target. (Preflight compares Helm revisions; the
    /// chart version is what the Kubernetes API shows of them.)
    /// </summary>
    public static string? ReleaseChanged(RolloutState state)
    {
        var r = state.Record;
        if (r.Phase is not (RolloutPhase.Staged or RolloutPhase.Finishing) || r.StagedRevision is null || state.ReleaseVersion is not { } now || now == r.TargetVersion)
            return null;
        return $"the Helm release is at chart {now}, not {r.TargetVersion} as the rollout staged it in revision {r.StagedRevision}: someone changed the release outside the rollout; " +
               $"check helm history {r.Release} -n {r.Namespace} and the record (kubectl get configmap {state.ConfigMap} -n {state.WorkflowNamespace} -o yaml)";
    }

    /// <summary>"rollout R of Helm release kube-system/kata-deploy is open (3.28.0 -> 3.29.0, phase staged, 1 node done, 4 left)".</summary>
    public static string Describe(RolloutState state)
    {
        var r = state.Record;
        return $"rollout {r.Rollout} of Helm release {r.Namespace}/{r.Release} is open ({r.PreRolloutVersion} -> {r.TargetVersion}, phase {RolloutRecord.PhaseText(r.Phase)}, " +
               $"{Nodes(state.Done.Count)} done, {state.Left.Count} left)";
    }

    /// <summary>The argo CLI command that continues the rollout to its target.</summary>
    public static string ArgoSubmit(RolloutRecord record) =>
        $"argo submit --from workflowtemplate/{LifecycleKeys.TemplateName} -p {WorkflowParameters.TargetVersion.Name}={record.TargetVersion}{ReleaseParameters(record)}";

    /// <summary>The argo CLI command that rolls the rollout back (or finishes its rollback).</summary>
    public static string ArgoRecover(string rollout, RolloutRecord? record) =>
        $"argo submit --from workflowtemplate/{LifecycleKeys.TemplateName} --entrypoint {LifecycleWorkflow.Recover} -p {WorkflowParameters.Run.Name}={rollout}{(record is null ? "" : ReleaseParameters(record))}";

    /// <summary><c> -p helm-release=... -p helm-namespace=...</c> where they differ from the defaults.</summary>
    public static string ReleaseParameters(RolloutRecord record) =>
        (record.Release == WorkflowParameters.HelmRelease.Default ? "" : $" -p {WorkflowParameters.HelmRelease.Name}={record.Release}")
        + (record.Namespace == WorkflowParameters.HelmNamespace.Default ? "" : $" -p {WorkflowParameters.HelmNamespace.Name}={record.Namespace}");

    private static string Nodes(int n) => n == 1 ? "1 node" : $"{n} nodes";
}
