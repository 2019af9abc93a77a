namespace KataArgo.Lifecycle;

/// <summary>Names the workflow writes on cluster objects, shared by the builder, the scripts' callers and the CLI.</summary>
public static class LifecycleKeys
{
    public const string TemplateName = "kata-lifecycle-manager";

    /// <summary>Node status, upstream-compatible; mirrored into a label so <c>kubectl get nodes -L</c> shows it.</summary>
    public const string Status = "katacontainers.io/kata-lifecycle-manager-status";

    /// <summary>Kata version a node runs, upstream-compatible; mirrored into a label.</summary>
    public const string CurrentVersion = "katacontainers.io/kata-current-version";

    /// <summary>Label naming the workflow run that touched a node; removed when the run ends.</summary>
    public const string Run = "katacontainers.io/kata-lifecycle-manager-run";

    /// <summary>
    /// Label marking the node a run upgrades next (value: the run), so the per-node pod that will
    /// upgrade it is scheduled elsewhere; removed when that node is cordoned or the run ends.
    /// </summary>
    public const string Next = "katacontainers.io/kata-lifecycle-manager-next";

    /// <summary>Annotation: the node was unschedulable before the run touched it, so it stays cordoned.</summary>
    public const string WasUnschedulable = "katacontainers.io/kata-lifecycle-manager-was-unschedulable";

    public const string StartedAt = "katacontainers.io/kata-lifecycle-manager-started-at";
    public const string FinishedAt = "katacontainers.io/kata-lifecycle-manager-finished-at";

    /// <summary>
    /// Label naming the rollout (the run that opened it) a node joined, from its cordon until the
    /// rollout completes or is rolled back; also on the rollout record. Step pods keep off such nodes.
    /// </summary>
    public const string Rollout = "katacontainers.io/kata-lifecycle-manager-rollout";

    /// <summary>Prefix of the rollout record: <c>kata-lifecycle-rollout.HELM-NAMESPACE.RELEASE</c>, one per release.</summary>
    public const string RolloutRecordPrefix = "kata-lifecycle-rollout.";

    /// <summary>Prefix of the run-record ConfigMap written when a run stages an upgrade.</summary>
    public const string RunRecordPrefix = "kata-lifecycle-run-";

    /// <summary>Node statuses in the order a node goes through them.</summary>
    public static readonly IReadOnlyList<string> Statuses =
        ["cordoned", "draining", "upgrading", "verifying", "completed", "failed", "rolled-back"];
}
