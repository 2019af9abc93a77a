using k8s;
using k8s.Models;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

public sealed record PlannedNode(string Name, string? CurrentVersion);

/// <summary>What a run with these parameters would do on the cluster as it is now.</summary>
public sealed record UpgradePlan(
    string TargetVersion, string Release, string ReleaseNamespace, string DaemonSet, string? ReleaseVersion, bool DrainEnabled,
    IReadOnlyList<PlannedNode> Selected, IReadOnlyList<SkippedNode> Skipped)
{
    /// <summary>What stage's upgrade changes in cluster-scoped objects (<see cref="StagedChanges"/>).</summary>
    public ClusterChangeReport? ClusterChanges { get; init; }
}

/// <summary>
/// <c>kata-argo plan</c>: reads the nodes, the kata-deploy DaemonSet of the Helm release and its
/// pods through the Kubernetes API, and applies <see cref="NodeSelection"/> exactly as the
/// workflow's select-nodes step does; with <paramref name="helm"/>, also what stage's upgrade would
/// change in cluster-scoped objects.
/// </summary>
public sealed class UpgradePlanner(KubernetesTransport cluster, HelmTemplate? helm = null)
{
    public const string HelmReleaseName = "meta.helm.sh/release-name";
    public const string HelmReleaseNamespace = "meta.helm.sh/release-namespace";

    /// <summary>Checks the parameters as <c>plan</c> needs them, before any request.</summary>
    public static Dictionary<string, string> Parameters(IEnumerable<string> assignments)
    {
        var parameters = RunRequest.ParseAssignments(assignments).ToDictionary(p => p.Key, p => p.Value);
        var target = WorkflowParameters.TargetVersion.Name;
        if (parameters.GetValueOrDefault(target, "").Length == 0)
            throw new SubmitterException(FailureKind.InvalidRequest, $"{target} is required; e.g. kata-argo plan -p {target}=3.29.0");
        if (NodeSelection.CheckParameters(parameters) is { } inconsistent)
            throw new SubmitterException(FailureKind.InvalidRequest, inconsistent);
        return parameters;
    }

    public async Task<UpgradePlan> PlanAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        string Get(WorkflowParameter p) => parameters.TryGetValue(p.Name, out var v) ? v : p.Default;
        var (release, releaseNamespace) = (Get(WorkflowParameters.HelmRelease), Get(WorkflowParameters.HelmNamespace));
        var client = cluster.Client;

        var daemonSets = await cluster.Call("GET", cluster.ApiUrl($"apis/apps/v1/namespaces/{releaseNamespace}/daemonsets"),
            () => client.AppsV1.ListNamespacedDaemonSetAsync(releaseNamespace, cancellationToken: cancellationToken),
            notFound: () => new(FailureKind.Failed, $"namespace {releaseNamespace} not found")).ConfigureAwait(false);
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

        var podSelector = string.Join(",", (daemonSet.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(l => $"{l.Key}={l.Value}"));
        var pods = await cluster.Call("GET", cluster.ApiUrl($"api/v1/namespaces/{releaseNamespace}/pods"),
            () => client.CoreV1.ListNamespacedPodAsync(releaseNamespace, labelSelector: podSelector, fieldSelector: "spec.nodeName!=", cancellationToken: cancellationToken),
            notFound: () => new(FailureKind.Failed, $"namespace {releaseNamespace} not found")).ConfigureAwait(false);
        var kataPods = pods.Items
            .Where(p => p.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is not { } owner || owner.Uid == daemonSet.Metadata.Uid)
            .Select(p => new KataDeployPod(p.Metadata.Name, p.Spec.NodeName ?? ""))
            .ToList();

        var selector = Get(WorkflowParameters.Nodes).Length == 0 ? Get(WorkflowParameters.NodeSelector) : "";
        var nodes = await cluster.Call("GET", cluster.ApiUrl("api/v1/nodes"),
            () => client.CoreV1.ListNodeAsync(labelSelector: selector.Length > 0 ? selector : null, cancellationToken: cancellationToken),
            notFound: () => new(FailureKind.Failed, "the API server does not list nodes")).ConfigureAwait(false);
        var clusterNodes = nodes.Items.Select(ToClusterNode).ToList();

        var selection = NodeSelection.Select(clusterNodes, kataPods, parameters);
        if (selection.Error is { } error)
            throw new SubmitterException(FailureKind.InvalidRequest, error);

        var releaseVersion = ChartVersion(daemonSet);
        var byName = clusterNodes.ToDictionary(n => n.Name);
        var changes = await StagedChanges.ForPlanAsync(cluster, helm, release, releaseNamespace, Get(WorkflowParameters.KataDeployChart),
            Get(WorkflowParameters.TargetVersion), daemonSet.Metadata.Name, cancellationToken).ConfigureAwait(false);
        // Helm's own record of the release, when plan could read it, names its chart version.
        if (changes.From != "?")
            releaseVersion = changes.From;
        return new UpgradePlan(Get(WorkflowParameters.TargetVersion), release, releaseNamespace, daemonSet.Metadata.Name, releaseVersion,
            Get(WorkflowParameters.DrainEnabled) == "true",
            [.. selection.Selected.Select(n => new PlannedNode(n, byName[n].Annotation(LifecycleKeys.CurrentVersion) ?? releaseVersion))],
            selection.Skipped) { ClusterChanges = changes };
    }

    private static ClusterNode ToClusterNode(V1Node node) => new(
        node.Metadata.Name,
        node.Metadata.Labels?.ToDictionary() ?? [],
        [.. (node.Spec?.Taints ?? []).Select(t => new NodeTaint(t.Key, t.Value ?? "", t.Effect))],
        node.Metadata.Annotations?.ToDictionary() ?? []);

    /// <summary>The chart version from Helm's <c>helm.sh/chart</c> label (<c>kata-deploy-3.29.0</c>).</summary>
    private static string? ChartVersion(V1DaemonSet daemonSet) =>
        Label(daemonSet.Metadata, "helm.sh/chart") is { } chart
        && System.Text.RegularExpressions.Regex.Match(chart, @"-(\d+\.\d+\.\d+[^\s]*)$") is { Success: true } m
            ? m.Groups[1].Value
            : Label(daemonSet.Metadata, "app.kubernetes.io/version");

    private static string? Annotation(V1ObjectMeta metadata, string key) =>
        metadata.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static string? Label(V1ObjectMeta metadata, string key) =>
        metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
