namespace KataArgo.Chart;

/// <summary>One rendered object of a chart: the template file it comes from (relative to the chart, e.g. templates/rbac.yaml), its kind and its YAML.</summary>
public sealed record RenderedManifest(string TemplatePath, string Kind, string Yaml);

/// <summary>
/// The order and framing in which `helm template` prints a chart's objects, so `kata-argo template`
/// prints the same stream. Read from Helm 4.1.4 (pkg/release/v1/util/kind_sorter.go,
/// manifest_sorter.go, manifest.go; pkg/action/action.go renderResources; pkg/cmd/template.go)
/// and Helm 3.18.0 (pkg/releaseutil/ and cmd/helm/template.go), which agree on everything here
/// except that 3.18.0's install order lacks the two webhook configuration kinds:
/// <list type="number">
/// <item>Templates are taken in byte order of their path; a template's documents in file order.</item>
/// <item>That list is sorted stably by kind: kinds of <see cref="InstallOrder"/> by their position,
/// every other kind (a CRD's such as WorkflowTemplate) after them, unknown kinds among themselves
/// by ordinal name; objects of one kind keep the order of step 1.</item>
/// <item>Each object is printed as <c>---\n# Source: CHART/templates/FILE\nYAML\n</c>, YAML trimmed of
/// surrounding white space (hooks, Secrets hidden by --hide-secret and CRDs from crds/ are not handled:
/// the chart has none).</item>
/// </list>
/// </summary>
public static class HelmManifestOrder
{
    /// <summary>Helm 4.1.4's InstallOrder (Helm 3.18.0's is the same without the two webhook kinds at the end).</summary>
    public static readonly IReadOnlyList<string> InstallOrder =
    [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
        "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
        "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
        "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
        "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ];

    /// <summary>The manifests in the order `helm template` prints them (rules 1 and 2 above).</summary>
    public static IReadOnlyList<RenderedManifest> Sort(IEnumerable<RenderedManifest> manifests) =>
    [
        .. manifests
            .OrderBy(m => m.TemplatePath, StringComparer.Ordinal)
            .OrderBy(m => Rank(m.Kind))
            .ThenBy(m => Rank(m.Kind) == InstallOrder.Count ? m.Kind : "", StringComparer.Ordinal),
    ];

    /// <summary>The stream `helm template` prints for the chart named <paramref name="chartName"/>: rule 3 over <see cref="Sort"/>.</summary>
    public static string Stream(string chartName, IEnumerable<RenderedManifest> manifests) =>
        string.Concat(Sort(manifests).Select(m => $"---\n# Source: {chartName}/{m.TemplatePath}\n{m.Yaml.Trim()}\n"));

    private static readonly Dictionary<string, int> Ranks = InstallOrder.Select((kind, i) => (kind, i)).ToDictionary(r => r.kind, r => r.i);

    /// <summary>A known kind's position; every unknown kind ranks after all known ones.</summary>
    private static int Rank(string kind) => Ranks.TryGetValue(kind, out var index) ? index : InstallOrder.Count;
}
