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
    /// <summary>The release's rollout record with its nodes done and left; null when there is none.</summary>
    public RolloutState? Rollout { get; init; }

    /// <summary>Whether this run would open a rollout, continue the open one, or be refused in preflight.</summary>
    public RolloutVerdict Verdict { get; init; } = new(RolloutAction.New);

    /// <summary>What stage's upgrade changes in cluster-scoped objects (<see cref="StagedChanges"/>).</summary>
    public ClusterChangeReport? ClusterChanges { get; init; }
}

/// <summary>
/// <c>kata-argo plan</c>: reads the nodes, the kata-deploy DaemonSet of the Helm release and its
/// pods, and the release's rollout record through the Kubernetes API, applies
/// <see cref="NodeSelection"/> exactly as the workflow's select-nodes step does, and judges the
/// run against the open rollout with <see cref="RolloutRules"/>; with <paramref name="helm"/>, also
/// what stage's upgrade would change in cluster-scoped objects.
/// </summary>
public sealed class UpgradePlanner(KubernetesTransport cluster, HelmTemplate? helm = null)
{
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

    /// <param name="workflowNamespace">Where the runs and the release's rollout record live (the chart's argoNamespace).</param>
    public async Task<UpgradePlan> PlanAsync(IReadOnlyDictionary<string, string> parameters, string workflowNamespace, CancellationToken cancellationToken)
    {
        string Get(WorkflowParameter p) => parameters.TryGetValue(p.Name, out var v) ? v : p.Default;
        var (release, releaseNamespace) = (Get(WorkflowParameters.HelmRelease), Get(WorkflowParameters.HelmNamespace));
        var client = cluster.Client;
        var fleet = await KataDeployFleet.ReadAsync(cluster, release, releaseNamespace, cancellationToken).ConfigureAwait(false);
        var rollout = await RolloutState.ReadAsync(cluster, workflowNamespace, release, releaseNamespace, fleet, cancellationToken).ConfigureAwait(false);

        var selector = Get(WorkflowParameters.Nodes).Length == 0 ? Get(WorkflowParameters.NodeSelector) : "";
        var nodes = await cluster.Call("GET", cluster.ApiUrl("api/v1/nodes"),
            () => client.CoreV1.ListNodeAsync(labelSelector: selector.Length > 0 ? selector : null, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var clusterNodes = nodes.Items.Select(ToClusterNode).ToList();

        var selection = NodeSelection.Select(clusterNodes, fleet.KataDeployPods, parameters);
        if (selection.Error is { } error)
            throw new SubmitterException(FailureKind.InvalidRequest, error);

        var releaseVersion = fleet.ChartVersion;
        var byName = clusterNodes.ToDictionary(n => n.Name);
        var target = Get(WorkflowParameters.TargetVersion);
        var changes = await StagedChanges.ForPlanAsync(cluster, helm, release, releaseNamespace, Get(WorkflowParameters.KataDeployChart),
            target, fleet.DaemonSet.Metadata.Name, cancellationToken).ConfigureAwait(false);
        // Helm's own record of the release, when plan could read it, names its chart version.
        if (changes.From != "?")
            releaseVersion = changes.From;
        // While a rollout is open the release's chart is its target; nodes not done still run the pre-rollout version.
        string? FromVersion(string node) => rollout is { Record.IsOpen: true } open && !open.Done.Contains(node) ? open.Record.PreRolloutVersion : releaseVersion;
        // Preflight's order: the target's age, the release's status and rollout, then the release's age.
        var judged = TooOld(target, null)
            ?? RolloutRules.Judge(rollout, target, await RolloutState.LabelledNodesAsync(cluster, cancellationToken).ConfigureAwait(false), changes.Head);
        return new UpgradePlan(target, release, releaseNamespace, fleet.DaemonSet.Metadata.Name, releaseVersion,
            Get(WorkflowParameters.DrainEnabled) == "true",
            [.. selection.Selected.Select(n => new PlannedNode(n, byName[n].Annotation(LifecycleKeys.CurrentVersion) ?? FromVersion(n)))],
            selection.Skipped)
        {
            Rollout = rollout,
            Verdict = judged.Action == RolloutAction.Refused ? judged : TooOld(target, releaseVersion) ?? judged,
            ClusterChanges = changes,
        };
    }

    /// <summary>
    /// Preflight's refusal of a kata-deploy older than the minimum (kata-deploy-versions.json),
    /// the target first, then the release, in preflight's words (templates/steps/preflight.sh).
    /// </summary>
    public static RolloutVerdict? TooOld(string target, string? releaseVersion)
    {
        var minimum = KataDeployVersions.Current.MinimumVersion;
        var series = string.Join('.', minimum.Split('.').Take(2));
        const string why = "whose pods uninstall Kata when they restart";
        if (KataDeployVersions.CompareVersions(target, minimum) < 0)
            return new(RolloutAction.Refused, $"target-version: kata-deploy {target} is older than {series}, {why}; upgrade to {minimum} or newer");
        if (releaseVersion is not null && KataDeployVersions.CompareVersions(releaseVersion, minimum) < 0)
            return new(RolloutAction.Refused, $"helm-release: kata-deploy {releaseVersion} is older than {series}, {why}; upgrade it once with helm before using this workflow");
        return null;
    }

    private static ClusterNode ToClusterNode(V1Node node) => new(
        node.Metadata.Name,
        node.Metadata.Labels?.ToDictionary() ?? [],
        [.. (node.Spec?.Taints ?? []).Select(t => new NodeTaint(t.Key, t.Value ?? "", t.Effect))],
        node.Metadata.Annotations?.ToDictionary() ?? []);
}
