using System.Globalization;
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
/// Release NAMESPACE/RELEASE's latest revision and its Helm status, and its last revision Helm
/// marked deployed or superseded (null when none is: what <c>helm rollback</c> of a pending release
/// goes back to), as Helm's release records (Secrets) give them.
/// </summary>
public sealed record ReleaseHead(string Namespace, string Release, int Revision, string Status, int? LastDeployed);

/// <summary>A node carrying a rollout's label: its value, and the node's status annotation and run label.</summary>
public sealed record RolloutNode(string Name, string Rollout, string? Status, string? Run);

/// <summary>
/// The continue-or-refuse rules of a new run against the release's status and its rollout record,
/// in the order and words of preflight's (<c>release_pending_check</c>, <c>rollout_preflight</c> and
/// <c>release_deployed_check</c> of templates/steps/rollout.sh, shared design of issue 13,
/// ../shared/docs/lifecycle-spec.md section 8), and the commands that move a rollout on. Both pass
/// the case table tests/cases/rollout-preflight.json. Without the release's head (its Helm
/// Secrets could not be read) its status is not judged, and whether the release was changed
/// outside the rollout is judged by the DaemonSet's chart version instead (<see cref="ReleaseChanged"/>).
/// </summary>
public static class RolloutRules
{
    /// <param name="labelled">Every node carrying a rollout label (<see cref="RolloutState.LabelledNodesAsync"/>).</param>
    /// <param name="head">The release's latest revision and status (Helm's record), or null when plan could not read it.</param>
    public static RolloutVerdict Judge(RolloutState? state, string targetVersion, IReadOnlyList<RolloutNode> labelled, ReleaseHead? head = null)
    {
        var record = state?.Record;
        if (head is not null && Pending(head) is { } pending)
            return Refused(pending);
        if (state is { Record.IsOpen: true } open && record is not null)
        {
            var release = $"{record.Namespace}/{record.Release}";
            if (record.Phase == RolloutPhase.RollingBack)
                return Refused($"helm-release: rollout {record.Rollout} of {release} (kata-deploy {record.PreRolloutVersion} -> {record.TargetVersion}) is rolling back; " +
                               $"finish the rollback first: {ArgoRecover(record.Rollout)}");
            if (record.TargetVersion != targetVersion)
                return Refused($"target-version: rollout {record.Rollout} of {release} to {record.TargetVersion} is open ({open.Done.Count} node(s) done, {open.Left.Count} left); " +
                               $"nothing was changed. Finish it: {ArgoSubmit(record)} or roll it back: {ArgoRecover(record.Rollout)}");
            if (head is not null)
            {
                if (!Made(record, head.Revision))
                    return Refused($"helm-release: {release} is revision {head.Revision}, which rollout {record.Rollout} did not make (it staged revision {(record.StagedRevision?.ToString(CultureInfo.InvariantCulture) ?? "none")}); " +
                                   $"someone changed the release during the rollout: check helm history {record.Release} -n {record.Namespace}, restore revision {record.StagedRevision ?? record.PreRolloutRevision} with helm rollback if the change was a mistake, then submit again");
                // A failed finish leaves a failed revision after the staged one; a run may finish it again.
                if (head.Status != "deployed" && !(head.Status == "failed" && record.Phase == RolloutPhase.Finishing && head.Revision != record.StagedRevision))
                    return Refused($"helm-release: release {release} is '{head.Status}' at revision {head.Revision}; check helm history {record.Release} -n {record.Namespace}");
            }
            else if (ReleaseChanged(open) is { } changed)
                return Refused($"helm-release: {changed}");
            var half = labelled.Where(n => n.Rollout == record.Rollout && n.Status != "completed").ToList();
            if (half.Count > 0)
                return Refused($"helm-release: node(s) {string.Join(", ", half.Select(n => $"{n.Name} ({n.Status ?? "no status"}, run {n.Run ?? "none"})"))} " +
                               $"of rollout {record.Rollout} were left half done by a run that did not finish; roll the rollout back: {ArgoRecover(record.Rollout)}");
        }
        var others = labelled.Where(n => n.Rollout != record?.Rollout).ToList();
        if (others.Count > 0)
            return Refused($"nodes: {string.Join(", ", others.Select(n => $"{n.Name} (rollout {n.Rollout})"))} carry the label of another rollout ({RolloutRecord.Label}); " +
                           $"finish or roll back that rollout first (argo submit --from workflowtemplate/{LifecycleKeys.TemplateName} --entrypoint {LifecycleWorkflow.Recover} -p run=ROLLOUT)");
        if (record is { IsOpen: true })
            return new(RolloutAction.Continue);
        // Only a run that continues the open rollout may start from a release that is not deployed.
        if (head is { Status: not "deployed" })
            return Refused($"helm-release: release {head.Namespace}/{head.Release} is '{head.Status}', not 'deployed'; " +
                           $"finish or roll back the pending operation first (helm history {head.Release} -n {head.Namespace})");
        return new(RolloutAction.New);
    }

    /// <summary>
    /// Why a release a killed Helm left pending-install, -upgrade or -rollback cannot be upgraded,
    /// with the <c>helm rollback</c> to its last deployed revision that clears it (preflight's
    /// <c>release_pending_check</c>), or null when it is not pending. Helm's upgrade refuses a
    /// release whose latest revision is pending (Helm 3.18 and 4.1 pkg/action/upgrade.go
    /// prepareUpgrade, errPending); its rollback checks no status (helm/helm#4558, #8987).
    /// </summary>
    public static string? Pending(ReleaseHead head)
    {
        if (!head.Status.StartsWith("pending-", StringComparison.Ordinal))
            return null;
        var (release, ns) = (head.Release, head.Namespace);
        return head.LastDeployed is { } deployed
            ? $"helm-release: release {ns}/{release} is '{head.Status}': a Helm operation was interrupted and Helm refuses any other until it is cleared; " +
              $"clear it with: helm rollback {release} {deployed} -n {ns} (the last deployed revision; check helm history {release} -n {ns}), then submit again"
            : $"helm-release: release {ns}/{release} is '{head.Status}' and has no deployed revision to go back to; check helm history {release} -n {ns}";
    }

    /// <summary>A revision the rollout made: stage's, the rollback's first upgrade, or a finish's.</summary>
    private static bool Made(RolloutRecord record, int revision) =>
        revision == record.StagedRevision || revision == record.RollbackRevision || record.FinishRevisions.Contains(revision);

    /// <summary>
    /// Why the release is not as the open rollout staged it, or null: while staged or finishing,
    /// the DaemonSet's chart version must be the target.
    /// </summary>
    public static string? ReleaseChanged(RolloutState state)
    {
        var r = state.Record;
        if (r.Phase is not (RolloutPhase.Staged or RolloutPhase.Finishing) || r.StagedRevision is null || state.ReleaseVersion is not { } now || now == r.TargetVersion)
            return null;
        return $"{r.Namespace}/{r.Release} runs chart {now}, not {r.TargetVersion} as rollout {r.Rollout} staged it in revision {r.StagedRevision}; someone changed the release during the rollout: " +
               $"check helm history {r.Release} -n {r.Namespace} and the record (kubectl get configmap {state.ConfigMap} -n {state.WorkflowNamespace} -o yaml)";
    }

    /// <summary>The argo CLI command that continues the rollout to its target, as preflight words it.</summary>
    public static string ArgoSubmit(RolloutRecord record) =>
        $"argo submit --from workflowtemplate/{LifecycleKeys.TemplateName} -p {WorkflowParameters.TargetVersion.Name}={record.TargetVersion} " +
        $"-p {WorkflowParameters.HelmRelease.Name}={record.Release} -p {WorkflowParameters.HelmNamespace.Name}={record.Namespace} ...";

    /// <summary>The argo CLI command that rolls the rollout back (or finishes its rollback): recover finds the record by the run.</summary>
    public static string ArgoRecover(string rollout) =>
        $"argo submit --from workflowtemplate/{LifecycleKeys.TemplateName} --entrypoint {LifecycleWorkflow.Recover} -p {WorkflowParameters.Run.Name}={rollout}";

    /// <summary><c> -p helm-release=... -p helm-namespace=...</c> where they differ from the defaults.</summary>
    public static string ReleaseParameters(RolloutRecord record) =>
        (record.Release == WorkflowParameters.HelmRelease.Default ? "" : $" -p {WorkflowParameters.HelmRelease.Name}={record.Release}")
        + (record.Namespace == WorkflowParameters.HelmNamespace.Default ? "" : $" -p {WorkflowParameters.HelmNamespace.Name}={record.Namespace}");

    private static RolloutVerdict Refused(string reason) => new(RolloutAction.Refused, reason);
}
