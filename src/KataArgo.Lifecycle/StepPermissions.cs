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
    /// <summary>
    /// Object names the rule is limited to; <c>{suffix}</c> is kata-deploy's multi-install suffix
    /// ("" or "-S"), <c>{release}</c> the kata-deploy release name.
    /// </summary>
    public IReadOnlyList<string>? ResourceNames { get; init; }
}

/// <summary>
/// Everything the workflow's steps call, and what <c>helm upgrade</c>/<c>helm rollback</c> of the
/// kata-deploy chart (DaemonSet mode, 3.29+) requests (measured with the real Helm 3.18 and 4.1:
/// they get, create, patch and delete kata-deploy's objects and never update them without --force).
/// Nothing else is granted.
/// </summary>
public static class StepPermissions
{
    public const string Suffix = "{suffix}";
    public const string Release = "{release}";

    public static readonly IReadOnlyList<Permission> All =
    [
        // Nodes: selection, status annotations and labels, cordon and uncordon.
        new(PermissionScope.Cluster, "", ["nodes"], ["get", "list", "patch"],
            "select-nodes, stage, cordon, drain, uncordon, cleanup",
            "read nodes to select them; patch labels, annotations and spec.unschedulable (cordon/uncordon); stage labels the nodes where kata-deploy is installed with its install label when the target's RuntimeClasses start to select it (4.1.0+); kata-deploy's ClusterRole grants get/patch too"),

        // kubectl drain works on the node's pods, which live in any namespace.
        new(PermissionScope.Cluster, "", ["pods"], ["get", "list"],
            "drain", "kubectl drain lists the node's pods in every namespace and waits for each evicted one to go"),
        new(PermissionScope.Cluster, "", ["pods/eviction"], ["create"],
            "drain", "evict through the eviction API, so PodDisruptionBudgets are respected"),
        new(PermissionScope.Cluster, "apps", ["daemonsets"], ["get"],
            "drain", "kubectl drain --ignore-daemonsets checks that a DaemonSet pod's owner exists"),

        // Helm renders kata-deploy's templates, which `lookup` every DaemonSet and Deployment in the
        // cluster (node-feature-discovery detection); Helm stops an upgrade on a forbidden lookup.
        new(PermissionScope.Cluster, "apps", ["daemonsets"], ["list", "watch"],
            "preflight, stage, finish, cleanup (helm)",
            "list: kata-deploy's lookup of every DaemonSet; watch (and list, get): held because kata-deploy's own ClusterRole grants them"),
        new(PermissionScope.Cluster, "apps", ["deployments"], ["list"],
            "preflight, stage, finish, cleanup (helm)",
            "kata-deploy's templates `lookup` every Deployment in the cluster (node-feature-discovery detection); Helm stops on a forbidden lookup"),

        // kata-deploy's cluster-scoped objects, which helm upgrade and rollback manage.
        new(PermissionScope.Cluster, "node.k8s.io", ["runtimeclasses"], ["get", "list", "create", "patch", "delete"],
            "stage, finish, cleanup (helm)",
            "kata-deploy manages one RuntimeClass per shim; which exist depends on its version and values (its 3.29-4.0 ClusterRole grants get/list/patch too)"),
        new(PermissionScope.Cluster, "rbac.authorization.k8s.io", ["clusterroles"], ["get", "patch"],
            "stage, finish, cleanup (helm)",
            "update kata-deploy's own ClusterRole, whose rules change between versions; Kubernetes allows it because this account holds every rule it contains (below), so neither escalate nor bind is granted")
        { ResourceNames = [$"kata-deploy-role{Suffix}"] },
        new(PermissionScope.Cluster, "rbac.authorization.k8s.io", ["clusterrolebindings"], ["get", "patch"],
            "stage, finish, cleanup (helm)", "update kata-deploy's own ClusterRoleBinding (allowed because this account holds the rules of the role it binds)")
        { ResourceNames = [$"kata-deploy-rb{Suffix}"] },

        // The rules of kata-deploy's own ClusterRole (kata-deploy-role, union over 3.29.0-4.1.0, from the
        // charts' templates/kata-rbac.yaml): Kubernetes' escalation check lets an account write a role only
        // with rules it holds itself (or with escalate/bind, which would let it grant itself anything).
        // nodes get/patch and runtimeclasses get/list/patch are above; daemonsets get/list/watch too.
        new(PermissionScope.Cluster, "", ["nodes/proxy"], ["get"],
            "stage, finish, cleanup (helm)",
            "held because kata-deploy 4.0+'s ClusterRole grants it (its pod reads the kubelet's /configz); not used by any step"),
        new(PermissionScope.Cluster, "apiextensions.k8s.io", ["customresourcedefinitions"], ["get", "list"],
            "stage, finish, cleanup (helm)", "held because kata-deploy 3.29-4.0's ClusterRole grants it; not used by any step"),
        new(PermissionScope.Cluster, "nfd.k8s-sigs.io", ["nodefeaturerules"], ["get", "list", "watch", "create", "update", "patch", "delete"],
            "stage, finish, cleanup (helm)",
            "kata-deploy 4.1+ manages its NodeFeatureRule when Node Feature Discovery is installed; held in full because kata-deploy 3.29-4.0's ClusterRole grants these verbs on every NodeFeatureRule"),

        // The kata-deploy release namespace (often kube-system: writes are limited to kata-deploy's names).
        new(PermissionScope.HelmNamespace, "", ["secrets"], ["get", "list", "create", "update", "delete"],
            "preflight, stage, finish, cleanup (helm)",
            "Helm stores each revision of the release as a Secret in its namespace (create, then update its status), and deletes the oldest beyond --history-max (10)"),
        new(PermissionScope.HelmNamespace, "apps", ["daemonsets"], ["get", "list"],
            "preflight, recycle, finish, cleanup", "find the release's DaemonSet by Helm's ownership annotations"),
        new(PermissionScope.HelmNamespace, "apps", ["daemonsets"], ["patch", "delete"],
            "stage, finish, cleanup (helm)", "helm upgrade and rollback change kata-deploy's DaemonSets, and delete kata-monitor's when a version or value drops it")
        { ResourceNames = [$"kata-deploy{Suffix}", "kata-monitor"] },
        new(PermissionScope.HelmNamespace, "apps", ["controllerrevisions"], ["list"],
            "recycle, finish, cleanup", "the DaemonSet's updated revision is its newest ControllerRevision"),
        new(PermissionScope.HelmNamespace, "", ["pods"], ["get", "list", "delete"],
            "select-nodes, stage, recycle, finish, cleanup", "find and recycle the kata-deploy pod of one node"),
        new(PermissionScope.HelmNamespace, "", ["pods/log"], ["get"],
            "stage, recycle, cleanup",
            "a kata-deploy pod without a /readyz probe (3.29, 3.30) says only in its log that it has installed Kata; print the log of a pod that does not get there"),
        new(PermissionScope.HelmNamespace, "", ["events"], ["list"],
            "recycle, cleanup", "print the events of a kata-deploy pod that does not become Ready"),
        new(PermissionScope.HelmNamespace, "", ["configmaps"], ["get", "create"],
            "stage, finish, cleanup (helm)",
            "helm reads each object of the chart before it writes it, and creates those a new version adds, such as 4.1's install state (a create cannot be limited by name)"),
        new(PermissionScope.HelmNamespace, "", ["serviceaccounts"], ["get"],
            "stage, finish, cleanup (helm)", "helm reads kata-deploy's ServiceAccount before it patches it"),
        new(PermissionScope.HelmNamespace, "", ["configmaps"], ["patch", "delete"],
            "stage, finish, cleanup (helm)",
            "kata-deploy's ConfigMaps: install state, custom runtime configs, containerd drop-in, and the spec of its own verification hook, which stage removes (named after the chart's fullname: RELEASE, or RELEASE-kata-deploy)")
        {
            ResourceNames =
            [
                $"{Release}-kata-deploy-state", $"kata-deploy-custom-configs{Suffix}", $"kata-deploy-containerd-user-dropin{Suffix}",
                $"{Release}-verification-spec", $"{Release}-kata-deploy-verification-spec",
            ],
        },
        new(PermissionScope.HelmNamespace, "", ["serviceaccounts"], ["patch"],
            "stage, finish, cleanup (helm)", "kata-deploy's own ServiceAccount (kept by its chart's resource policy, so Helm never deletes it)")
        { ResourceNames = [$"kata-deploy-sa{Suffix}"] },

        // Verification pods.
        new(PermissionScope.VerificationNamespace, "", ["pods"], ["get", "list", "create", "delete"],
            "verify, cleanup", "create the user's verification pod on the node, follow it, delete it and any leftover"),
        new(PermissionScope.VerificationNamespace, "", ["pods/log"], ["get"],
            "verify", "print the verification pod's log"),
        new(PermissionScope.VerificationNamespace, "", ["events"], ["list"],
            "verify", "explain a verification pod that does not start"),

        // The workflow's own namespace.
        new(PermissionScope.WorkflowNamespace, "", ["configmaps"], ["get", "list", "create", "patch"],
            "preflight, stage, upgrade-node, finish, cleanup",
            "the rollout record (kata-lifecycle-rollout.NAMESPACE.RELEASE, found by its label: list), which lets recover roll back a rollout whose Workflows are gone, and the run record (kata-lifecycle-run-NAME)"),
        new(PermissionScope.WorkflowNamespace, "argoproj.io", ["workflowtaskresults"], ["create", "patch"],
            "every step (Argo executor)", "Argo 3.4+ executors report each step's outputs as a WorkflowTaskResult"),
    ];
}
