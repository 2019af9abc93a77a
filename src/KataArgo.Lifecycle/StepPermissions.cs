namespace KataArgo.Lifecycle;

/// <summary>Where a permission applies: the chart turns each scope into one Role or the ClusterRole.</summary>
public enum PermissionScope
{
    /// <summary>Cluster-scoped objects, or reading/evicting pods on a node across namespaces (drain).</summary>
    Cluster,

    /// <summary>The kata-deploy release namespace (defaults.helmNamespace).</summary>
    HelmNamespace,

    /// <summary>Where verification pods run (defaults.verificationNamespace).</summary>
    VerificationNamespace,

    /// <summary>Where the workflow runs (argoNamespace): run records and Argo's own task results.</summary>
    WorkflowNamespace,
}

/// <summary>One RBAC rule, the steps that need it and why; the chart's RBAC and docs/security.md come from this list.</summary>
public sealed record Permission(
    PermissionScope Scope,
    string ApiGroup,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> Verbs,
    string Steps,
    string Why)
{
    /// <summary>Object names the rule is limited to; <c>{suffix}</c> is kata-deploy's multi-install suffix ("" or "-S").</summary>
    public IReadOnlyList<string>? ResourceNames { get; init; }
}

/// <summary>
/// Everything the workflow's steps call, and what <c>helm upgrade</c>/<c>helm rollback</c> of the
/// kata-deploy chart (DaemonSet mode, 3.29+) manages. Nothing else is granted.
/// </summary>
public static class StepPermissions
{
    public const string Suffix = "{suffix}";

    public static readonly IReadOnlyList<Permission> All =
    [
        // Nodes: status annotations/labels, cordon, uncordon, selection.
        new(PermissionScope.Cluster, "", ["nodes"], ["get", "list", "watch", "patch"],
            "select-nodes, cordon, drain, uncordon, cleanup",
            "read nodes to select them; patch labels, annotations and spec.unschedulable (cordon/uncordon)"),
        new(PermissionScope.Cluster, "", ["pods"], ["get", "list"],
            "drain", "kubectl drain lists the pods on the node in every namespace"),
        new(PermissionScope.Cluster, "", ["pods/eviction"], ["create"],
            "drain", "evict pods through the eviction API so PodDisruptionBudgets are respected"),
        new(PermissionScope.Cluster, "apps", ["daemonsets"], ["get"],
            "drain", "kubectl drain --ignore-daemonsets checks that a DaemonSet pod's owner exists"),

        // kata-deploy's cluster-scoped objects, managed by helm upgrade/rollback.
        new(PermissionScope.Cluster, "node.k8s.io", ["runtimeclasses"], ["get", "list", "create", "update", "patch", "delete"],
            "stage, finish, cleanup (helm)", "kata-deploy manages its RuntimeClasses (one per shim, names depend on its values)"),
        new(PermissionScope.Cluster, "rbac.authorization.k8s.io", ["clusterroles"], ["get", "update", "patch", "escalate", "bind"],
            "stage, finish, cleanup (helm)",
            "update kata-deploy's own ClusterRole; escalate/bind on that name only, so this account need not hold its rules")
        { ResourceNames = [$"kata-deploy-role{Suffix}"] },
        new(PermissionScope.Cluster, "rbac.authorization.k8s.io", ["clusterrolebindings"], ["get", "update", "patch"],
            "stage, finish, cleanup (helm)", "update kata-deploy's own ClusterRoleBinding")
        { ResourceNames = [$"kata-deploy-rb{Suffix}"] },
        new(PermissionScope.Cluster, "nfd.k8s-sigs.io", ["nodefeaturerules"], ["get", "update", "patch", "delete"],
            "stage, finish, cleanup (helm)", "kata-deploy 4.1+ manages its NodeFeatureRule when Node Feature Discovery is installed")
        { ResourceNames = [$"kata-tee-keys{Suffix}"] },

        // The kata-deploy release namespace.
        new(PermissionScope.HelmNamespace, "", ["secrets"], ["get", "list", "create", "update", "patch", "delete"],
            "preflight, stage, finish, cleanup (helm)",
            "Helm stores each release revision as a Secret in the release namespace (history pruning deletes old ones)"),
        new(PermissionScope.HelmNamespace, "apps", ["daemonsets"], ["get", "list", "watch", "update", "patch"],
            "preflight, stage, recycle, finish, cleanup",
            "find the release's DaemonSet by Helm's annotations; helm upgrade/rollback updates it"),
        new(PermissionScope.HelmNamespace, "apps", ["controllerrevisions"], ["get", "list"],
            "recycle, finish, cleanup", "the DaemonSet's updated revision is its newest ControllerRevision"),
        new(PermissionScope.HelmNamespace, "", ["pods"], ["get", "list", "watch", "delete"],
            "select-nodes, recycle, finish, cleanup", "find and recycle the kata-deploy pod of one node"),
        new(PermissionScope.HelmNamespace, "", ["pods/log"], ["get"],
            "recycle, cleanup", "print a kata-deploy pod's log when it does not become Ready"),
        new(PermissionScope.HelmNamespace, "", ["events"], ["list"],
            "recycle, cleanup", "print a kata-deploy pod's events when it does not become Ready"),
        new(PermissionScope.HelmNamespace, "", ["configmaps", "serviceaccounts"], ["get", "list", "create", "update", "patch", "delete"],
            "stage, finish, cleanup (helm)",
            "kata-deploy's ServiceAccount and ConfigMaps (state, custom configs, containerd drop-in) change with its chart"),

        // Verification pods.
        new(PermissionScope.VerificationNamespace, "", ["pods"], ["get", "list", "watch", "create", "delete"],
            "verify, cleanup", "create the user's verification pod on the node, watch it, delete it"),
        new(PermissionScope.VerificationNamespace, "", ["pods/log"], ["get"],
            "verify", "print the verification pod's log"),
        new(PermissionScope.VerificationNamespace, "", ["events"], ["list"],
            "verify", "explain a verification pod that does not start"),

        // The workflow's own namespace.
        new(PermissionScope.WorkflowNamespace, "", ["configmaps"], ["get", "list", "create", "update", "patch", "delete"],
            "stage, finish, cleanup", "the run record (kata-lifecycle-run-NAME) that lets recover restore a terminated run"),
        new(PermissionScope.WorkflowNamespace, "argoproj.io", ["workflowtaskresults"], ["create", "patch"],
            "every step (Argo executor)", "Argo 3.4+ executors report step outputs as WorkflowTaskResults"),
    ];
}
