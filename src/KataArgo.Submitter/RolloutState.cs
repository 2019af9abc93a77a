using k8s;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// A rollout record with the fleet as it is now. <see cref="Done"/> and <see cref="Left"/> are
/// node names in byte order: while staged or finishing, the nodes whose kata-deploy pod runs the
/// DaemonSet's updated (staged) revision and the nodes whose pod does not; while rolling back,
/// the nodes the rollout touched (its node label) that are back on the pre-rollout revision and
/// those still to roll back. Both empty for a closed (completed, rolled-back) rollout.
/// </summary>
public sealed record RolloutState(RolloutRecord Record, string ConfigMap, string WorkflowNamespace,
    IReadOnlyList<string> Done, IReadOnlyList<string> Left)
{
    /// <summary>The chart version of the release's DaemonSet now (its <c>helm.sh/chart</c> label); null for a closed rollout.</summary>
    public string? ReleaseVersion { get; init; }

    /// <summary>
    /// Reads the record of the release from the workflow namespace: null when there is none.
    /// Throws <see cref="SubmitterException"/> (Failed) naming the key and value when its data is bad.
    /// </summary>
    public static async Task<RolloutRecord?> ReadRecordAsync(KubernetesTransport cluster, string workflowNamespace, string release, string helmNamespace,
        CancellationToken cancellationToken)
    {
        var name = RolloutRecord.ConfigMapName(helmNamespace, release);
        var configMap = await cluster.GetOrNull(cluster.ApiUrl($"api/v1/namespaces/{workflowNamespace}/configmaps/{name}"),
            () => cluster.Client.CoreV1.ReadNamespacedConfigMapAsync(name, workflowNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (configMap is null)
            return null;
        try
        {
            return RolloutRecord.Parse(release, helmNamespace, KataDeployFleet.Label(configMap.Metadata, RolloutRecord.Label), configMap.Data?.AsReadOnly());
        }
        catch (RolloutRecordException e)
        {
            throw new SubmitterException(FailureKind.Failed,
                $"rollout record {name} in namespace {workflowNamespace} has bad data: {e.Message}; the step scripts write it, so it was changed by hand or by another version (kubectl get configmap {name} -n {workflowNamespace} -o yaml)", e);
        }
    }

    /// <summary>The record and, when it is open, the nodes done and left.</summary>
    /// <param name="fleet">The release's kata-deploy fleet if already read (plan), else read here when the rollout is open.</param>
    public static async Task<RolloutState?> ReadAsync(KubernetesTransport cluster, string workflowNamespace, string release, string helmNamespace,
        KataDeployFleet? fleet, CancellationToken cancellationToken)
    {
        if (await ReadRecordAsync(cluster, workflowNamespace, release, helmNamespace, cancellationToken).ConfigureAwait(false) is not { } record)
            return null;
        var name = RolloutRecord.ConfigMapName(helmNamespace, release);
        if (!record.IsOpen)
            return new RolloutState(record, name, workflowNamespace, [], []);

        fleet ??= await KataDeployFleet.ReadAsync(cluster, release, helmNamespace, cancellationToken).ConfigureAwait(false);
        var updated = await fleet.UpdatedRevisionAsync(cancellationToken).ConfigureAwait(false);
        var revisions = fleet.RevisionByNode();
        IEnumerable<string> nodes = revisions.Keys;
        if (record.Phase == RolloutPhase.RollingBack)
        {
            nodes = (await LabelledNodesAsync(cluster, cancellationToken).ConfigureAwait(false)).Where(n => n.Rollout == record.Rollout).Select(n => n.Name);
            // Before the rollback's helm upgrade, the updated revision is still the staged one: no node is back yet.
            if (record.RollbackRevision is null)
                updated = null;
        }
        var ordered = nodes.Order(StringComparer.Ordinal).ToList();
        bool IsDone(string node) => updated is not null && revisions.GetValueOrDefault(node) == updated;
        return new RolloutState(record, name, workflowNamespace, [.. ordered.Where(IsDone)], [.. ordered.Where(n => !IsDone(n))])
        {
            ReleaseVersion = fleet.ChartVersion,
        };
    }

    /// <summary>Every node carrying a rollout's label (<see cref="RolloutRecord.Label"/>), whatever its value.</summary>
    public static async Task<IReadOnlyList<RolloutNode>> LabelledNodesAsync(KubernetesTransport cluster, CancellationToken cancellationToken)
    {
        var nodes = await cluster.Call("GET", cluster.ApiUrl("api/v1/nodes"),
            () => cluster.Client.CoreV1.ListNodeAsync(labelSelector: RolloutRecord.Label, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. nodes.Items
            .Select(n => new RolloutNode(n.Metadata.Name, KataDeployFleet.Label(n.Metadata, RolloutRecord.Label) ?? "",
                n.Metadata.Annotations is { } a && a.TryGetValue(LifecycleKeys.Status, out var status) ? status : null,
                KataDeployFleet.Label(n.Metadata, LifecycleKeys.Run)))
            .OrderBy(n => n.Name, StringComparer.Ordinal)];
    }
}
