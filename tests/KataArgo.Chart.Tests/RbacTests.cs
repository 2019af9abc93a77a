using k8s;
using k8s.Models;
using KataArgo.Lifecycle;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

/// <summary>The rendered RBAC, loaded with KubernetesClient's typed models, is least privilege.</summary>
public class RbacTests
{
    private static readonly string[] ClusterScopedResources =
        ["nodes", "nodes/proxy", "runtimeclasses", "clusterroles", "clusterrolebindings", "nodefeaturerules", "customresourcedefinitions"];

    /// <summary>
    /// Namespaced resources the ClusterRole may hold: kubectl drain works across namespaces, and
    /// kata-deploy's templates look up every DaemonSet and Deployment (its ClusterRole also
    /// grants daemonsets get/list/watch, which the escalation check makes this account hold).
    /// </summary>
    private static readonly (string Group, string Resource, string Verb)[] NamespacedExceptions =
    [
        ("", "pods", "get"), ("", "pods", "list"), ("", "pods/eviction", "create"),
        ("apps", "daemonsets", "get"), ("apps", "daemonsets", "list"), ("apps", "daemonsets", "watch"), ("apps", "deployments", "list"),
    ];

    private static readonly string[] RbacResources = ["roles", "rolebindings", "clusterroles", "clusterrolebindings"];

    /// <summary>The Kubernetes objects of `template` (all but the WorkflowTemplate) as KubernetesClient models.</summary>
    private static List<object> Objects(string values = ChartFixture.CustomValues) =>
        KubernetesYaml.LoadAllFromString(Argo.Workflows.Client.ArgoYaml.SerializeAll(
            Argo.Workflows.Client.ArgoYaml.LoadAll(ManifestRenderer.Render(ChartFixture.Values(values)))
                .Select(d => d.Root).Where(d => d!["apiVersion"]!.ToString() != "argoproj.io/v1alpha1")));

    private static IEnumerable<V1PolicyRule> AllRules(List<object> objects) =>
        objects.OfType<V1ClusterRole>().SelectMany(r => r.Rules).Concat(objects.OfType<V1Role>().SelectMany(r => r.Rules));

    [Fact]
    public void No_rule_uses_a_wildcard()
    {
        foreach (var rule in AllRules(Objects()))
        {
            var fields = rule.ApiGroups.Concat(rule.Resources).Concat(rule.Verbs).Concat(rule.ResourceNames ?? []);
            Assert.DoesNotContain(fields, f => f.Contains('*'));
        }
    }

    [Fact]
    public void The_cluster_role_holds_cluster_objects_and_only_what_drain_and_kata_deploys_lookups_need_across_namespaces()
    {
        var clusterRole = Assert.Single(Objects().OfType<V1ClusterRole>());

        foreach (var rule in clusterRole.Rules)
            foreach (var resource in rule.Resources)
                foreach (var verb in rule.Verbs)
                    Assert.True(ClusterScopedResources.Contains(resource) || NamespacedExceptions.Contains((rule.ApiGroups.Single(), resource, verb)),
                        $"cluster-wide {verb} on namespaced {resource}");
        Assert.DoesNotContain(clusterRole.Rules, r => r.Resources.Contains("secrets") || r.Resources.Contains("configmaps"));
    }

    [Fact]
    public void Secrets_are_readable_only_in_the_release_namespace()
    {
        var objects = Objects();
        var withSecrets = objects.OfType<V1Role>().Where(r => r.Rules.Any(rule => rule.Resources.Contains("secrets"))).ToList();

        var role = Assert.Single(withSecrets);
        Assert.Equal("kata-system", role.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Rbac_objects_are_written_only_by_name_and_only_kata_deploys_own()
    {
        foreach (var rule in AllRules(Objects()).Where(r => r.Resources.Any(RbacResources.Contains)))
        {
            Assert.All(rule.Verbs, v => Assert.Contains(v, new[] { "get", "patch" }));
            Assert.NotNull(rule.ResourceNames);
            Assert.All(rule.ResourceNames, n => Assert.Matches("^kata-deploy-(role|rb)-gpu$", n));
        }
    }

    [Fact]
    public void Nothing_grants_escalate_or_bind()
    {
        Assert.DoesNotContain(AllRules(Objects()), r => r.Verbs.Contains("escalate") || r.Verbs.Contains("bind"));
    }

    [Fact]
    public void Writes_to_kata_deploys_namespaced_objects_are_limited_to_their_names()
    {
        var helmRole = Objects().OfType<V1Role>().Single(r => r.Metadata.Name == "kata-lifecycle-manager-helm");
        foreach (var rule in helmRole.Rules.Where(r => r.Resources.Any(x => x is "configmaps" or "serviceaccounts" or "daemonsets")))
        {
            if (rule.Verbs.Any(v => v is "update" or "patch" or "delete"))
                Assert.NotEmpty(rule.ResourceNames ?? []);
        }
        var names = helmRole.Rules.SelectMany(r => r.ResourceNames ?? []).ToList();
        Assert.Contains("kata-gpu-kata-deploy-state", names);
        Assert.Contains("kata-deploy-gpu", names);
        Assert.Contains("kata-deploy-sa-gpu", names);
    }

    [Fact]
    public void Each_role_lives_in_its_namespace_and_binds_only_the_workflow_service_account()
    {
        var objects = Objects();
        var account = Assert.Single(objects.OfType<V1ServiceAccount>());
        Assert.Equal(("kata-lifecycle-manager", "workflows"), (account.Metadata.Name, account.Metadata.NamespaceProperty));

        Assert.Equal(
            [("kata-lifecycle-manager-helm", "kata-system"), ("kata-lifecycle-manager-verification", "kata-checks"), ("kata-lifecycle-manager-runs", "workflows")],
            objects.OfType<V1Role>().Select(r => (r.Metadata.Name, r.Metadata.NamespaceProperty)));
        foreach (var binding in objects.OfType<V1RoleBinding>())
        {
            var role = objects.OfType<V1Role>().Single(r => r.Metadata.Name == binding.RoleRef.Name && r.Metadata.NamespaceProperty == binding.Metadata.NamespaceProperty);
            Assert.Equal("Role", binding.RoleRef.Kind);
            Assert.Equal(("ServiceAccount", "kata-lifecycle-manager", "workflows"), Subject(binding.Subjects));
            Assert.NotNull(role);
        }
        var clusterBinding = Assert.Single(objects.OfType<V1ClusterRoleBinding>());
        Assert.Equal("kata-lifecycle-manager-workflows", clusterBinding.RoleRef.Name);
        Assert.Equal(("ServiceAccount", "kata-lifecycle-manager", "workflows"), Subject(clusterBinding.Subjects));
    }

    [Fact]
    public void The_workflow_runs_as_the_service_account_the_rbac_binds()
    {
        var documents = Argo.Workflows.Client.ArgoYaml.LoadAll(ManifestRenderer.Render(ChartFixture.Values(ChartFixture.CustomValues)));
        var template = documents.Single(d => d.Root!["kind"]!.ToString() == "WorkflowTemplate").Root!;

        Assert.Equal(Assert.Single(Objects().OfType<V1ServiceAccount>()).Metadata.Name, template["spec"]!["serviceAccountName"]!.ToString());
    }

    [Fact]
    public void Every_rule_is_documented_in_docs_security_md()
    {
        var doc = File.ReadAllText(Repo.Path("docs", "security.md"));

        Assert.Contains(PermissionsTable.Markdown(), doc);
        Assert.Contains(PermissionsTable.Markdown(), ChartRenderer.Render()["README.md"]);
        Assert.All(StepPermissions.All, p => Assert.False(string.IsNullOrWhiteSpace(p.Why)));
    }

    private static (string, string, string) Subject(IList<Rbacv1Subject> subjects)
    {
        var subject = Assert.Single(subjects);
        return (subject.Kind, subject.Name, subject.NamespaceProperty);
    }
}
