using k8s;
using k8s.Models;
using KataArgo.Lifecycle;

namespace KataArgo.Chart;

/// <summary>Namespaces and names the RBAC is rendered for.</summary>
public sealed record RbacTarget(string WorkflowNamespace, string HelmNamespace, string VerificationNamespace, string HelmRelease, string KataDeploySuffix)
{
    public string ServiceAccount => LifecycleKeys.TemplateName;

    /// <summary>Cluster-wide objects carry the workflow namespace so two installs never collide.</summary>
    public string ClusterRoleName => $"{LifecycleKeys.TemplateName}-{WorkflowNamespace}";
}

/// <summary>The ServiceAccount and least-privilege RBAC, as KubernetesClient's typed models, from <see cref="StepPermissions"/>.</summary>
public static class RbacManifests
{
    public static V1ServiceAccount ServiceAccount(RbacTarget target, IDictionary<string, string> labels) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = new V1ObjectMeta { Name = target.ServiceAccount, NamespaceProperty = target.WorkflowNamespace, Labels = labels },
    };

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Rbac(RbacTarget target, IDictionary<string, string> labels)
    {
        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = target.ServiceAccount, NamespaceProperty = target.WorkflowNamespace };

        yield return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "ClusterRole",
            Metadata = new V1ObjectMeta { Name = target.ClusterRoleName, Labels = labels },
            Rules = Rules(PermissionScope.Cluster, target),
        };
        yield return new V1ClusterRoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "ClusterRoleBinding",
            Metadata = new V1ObjectMeta { Name = target.ClusterRoleName, Labels = labels },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = target.ClusterRoleName },
            Subjects = [subject],
        };

        foreach (var (scope, suffix, ns) in NamespacedScopes(target))
        {
            var name = $"{LifecycleKeys.TemplateName}-{suffix}";
            yield return new V1Role
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "Role",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
                Rules = Rules(scope, target),
            };
            yield return new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "RoleBinding",
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [subject],
            };
        }
    }

    public static IEnumerable<(PermissionScope Scope, string NameSuffix, string Namespace)> NamespacedScopes(RbacTarget target) =>
    [
        (PermissionScope.HelmNamespace, "helm", target.HelmNamespace),
        (PermissionScope.VerificationNamespace, "verification", target.VerificationNamespace),
        (PermissionScope.WorkflowNamespace, "runs", target.WorkflowNamespace),
    ];

    private static List<V1PolicyRule> Rules(PermissionScope scope, RbacTarget target) =>
        StepPermissions.All.Where(p => p.Scope == scope).Select(p => new V1PolicyRule
        {
            ApiGroups = [p.ApiGroup],
            Resources = [.. p.Resources],
            Verbs = [.. p.Verbs],
            ResourceNames = p.ResourceNames?.Select(n => n.Replace(StepPermissions.Suffix, target.KataDeploySuffix).Replace(StepPermissions.Release, target.HelmRelease)).ToList(),
        }).ToList();
}
