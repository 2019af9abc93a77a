using k8s;
using k8s.Models;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// The kata-deploy DaemonSet of a Helm release and its scheduled pods, as the Kubernetes API
/// lists them now: what <c>plan</c> and the rollout view read.
/// </summary>
public sealed class KataDeployFleet
{
    public const string HelmReleaseName = "meta.helm.sh/release-name";
    public const string HelmReleaseNamespace = "meta.helm.sh/release-namespace";

    /// <summary>The pod label naming the DaemonSet revision a pod runs (set by the DaemonSet controller).</summary>
    public const string RevisionHashLabel = "controller-revision-hash";

    private readonly KubernetesTransport _cluster;

    private KataDeployFleet(KubernetesTransport cluster, V1DaemonSet daemonSet, IReadOnlyList<V1Pod> pods)
    {
        _cluster = cluster;
        DaemonSet = daemonSet;
        Pods = pods;
    }

    public V1DaemonSet DaemonSet { get; }

    /// <summary>The DaemonSet's pods that are scheduled to a node.</summary>
    public IReadOnlyList<V1Pod> Pods { get; }

    public IEnumerable<KataDeployPod> KataDeployPods => Pods.Select(p => new KataDeployPod(p.Metadata.Name, p.Spec.NodeName ?? ""));

    /// <summary>Reads the one DaemonSet Helm's annotations give to the release, and its scheduled pods.</summary>
    public static async Task<KataDeployFleet> ReadAsync(KubernetesTransport cluster, string release, string releaseNamespace, CancellationToken cancellationToken)
    {
        var client = cluster.Client;
        var daemonSets = await cluster.Call("GET", cluster.ApiUrl($"apis/apps/v1/namespaces/{releaseNamespace}/daemonsets"),
            () => client.AppsV1.ListNamespacedDaemonSetAsync(releaseNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var owned = daemonSets.Items
            .Where(d => Annotation(d.Metadata, HelmReleaseName) == release
                     && Annotation(d.Metadata, HelmReleaseNamespace) == releaseNamespace)
            .ToList();
        var daemonSet = owned.Count switch
        {
            1 => owned[0],
            0 => throw new SubmitterException(FailureKind.Failed,
                $"no DaemonSet of Helm release {release} in namespace {releaseNamespace}; is kata-deploy installed with Helm as {release}? (set -p helm-release=... -p helm-namespace=...)"),
            _ => throw new SubmitterException(FailureKind.Failed,
                $"Helm release {release} in namespace {releaseNamespace} owns {owned.Count} DaemonSets ({string.Join(", ", owned.Select(d => d.Metadata.Name))}); expected one kata-deploy DaemonSet"),
        };

        var pods = await cluster.Call("GET", cluster.ApiUrl($"api/v1/namespaces/{releaseNamespace}/pods"),
            () => client.CoreV1.ListNamespacedPodAsync(releaseNamespace, labelSelector: Selector(daemonSet), fieldSelector: "spec.nodeName!=", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new KataDeployFleet(cluster, daemonSet, [.. pods.Items.Where(p => OwnedBy(p.Metadata, daemonSet))]);
    }

    /// <summary>
    /// The <c>controller-revision-hash</c> of the DaemonSet's newest ControllerRevision (highest
    /// <c>.revision</c>): the template pods get when they are recreated, as the step scripts'
    /// <c>updated_revision</c> reads it. Null when the DaemonSet has no ControllerRevision yet.
    /// </summary>
    public async Task<string?> UpdatedRevisionAsync(CancellationToken cancellationToken)
    {
        var ns = DaemonSet.Metadata.NamespaceProperty;
        var revisions = await _cluster.Call("GET", _cluster.ApiUrl($"apis/apps/v1/namespaces/{ns}/controllerrevisions"),
            () => _cluster.Client.AppsV1.ListNamespacedControllerRevisionAsync(ns, labelSelector: Selector(DaemonSet), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return revisions.Items
            .Where(r => r.Metadata.OwnerReferences?.Any(o => o.Uid == DaemonSet.Metadata.Uid) == true)
            .MaxBy(r => r.Revision) is { } newest ? Label(newest.Metadata, RevisionHashLabel) : null;
    }

    /// <summary>The DaemonSet revision hash of each node's kata-deploy pod.</summary>
    public IReadOnlyDictionary<string, string> RevisionByNode() => Pods
        .GroupBy(p => p.Spec.NodeName ?? "")
        .ToDictionary(g => g.Key, g => Label(g.First().Metadata, RevisionHashLabel) ?? "");

    /// <summary>The chart version from Helm's <c>helm.sh/chart</c> label (<c>kata-deploy-3.29.0</c>).</summary>
    public string? ChartVersion =>
        Label(DaemonSet.Metadata, "helm.sh/chart") is { } chart
        && System.Text.RegularExpressions.Regex.Match(chart, @"-(\d+\.\d+\.\d+[^\s]*)$") is { Success: true } m
            ? m.Groups[1].Value
            : Label(DaemonSet.Metadata, "app.kubernetes.io/version");

    private static string Selector(V1DaemonSet daemonSet) =>
        string.Join(",", (daemonSet.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>Owned by the DaemonSet, or by no controller at all (as select-nodes counts pods).</summary>
    private static bool OwnedBy(V1ObjectMeta metadata, V1DaemonSet daemonSet) =>
        metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is not { } owner || owner.Uid == daemonSet.Metadata.Uid;

    private static string? Annotation(V1ObjectMeta metadata, string key) =>
        metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    internal static string? Label(V1ObjectMeta metadata, string key) =>
        metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
