namespace KataArgo.Testing.Kube;

/// <summary>One resource type the in-process API serves (discovery, paths, scope).</summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Kind, bool Namespaced, string[] Verbs, string[] Subresources)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"daemonsets.apps", "pods": how API errors name the resource.</summary>
    public string Qualified => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string Singular => Kind.ToLowerInvariant();
}

/// <summary>
/// The resource types of the in-process API: what the step scripts, kubectl and Helm touch for
/// the kata-deploy chart (3.29–4.1), with the scope and verbs Kubernetes 1.35 serves them with.
/// </summary>
public static class ApiResources
{
    private static readonly string[] All = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly IReadOnlyList<ApiResource> Builtin =
    [
        new("", "v1", "namespaces", "Namespace", false, All, []),
        new("", "v1", "nodes", "Node", false, All, ["proxy", "status"]),
        new("", "v1", "pods", "Pod", true, All, ["log", "eviction", "status"]),
        new("", "v1", "secrets", "Secret", true, All, []),
        new("", "v1", "configmaps", "ConfigMap", true, All, []),
        new("", "v1", "serviceaccounts", "ServiceAccount", true, All, []),
        new("", "v1", "services", "Service", true, All, []),
        new("", "v1", "events", "Event", true, All, []),
        new("apps", "v1", "daemonsets", "DaemonSet", true, All, ["status"]),
        new("apps", "v1", "deployments", "Deployment", true, All, ["status"]),
        new("apps", "v1", "controllerrevisions", "ControllerRevision", true, All, []),
        new("batch", "v1", "jobs", "Job", true, All, ["status"]),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, All, []),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, All, []),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, All, []),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, All, []),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, All, []),
        new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, All, []),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, All, []),
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, ["create"], []),
        new("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, ["create"], []),
    ];

    /// <summary>Node Feature Discovery's NodeFeatureRule, served only when a test installs NFD's CRD.</summary>
    public static readonly ApiResource NodeFeatureRules = new("nfd.k8s-sigs.io", "v1alpha1", "nodefeaturerules", "NodeFeatureRule", false, All, []);
}
