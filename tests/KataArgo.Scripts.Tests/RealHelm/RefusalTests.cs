using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Issue 8's defects and preflight's refusals against the real Helm 3 and 4: what a missing
/// permission, a wrong chart reference or version, or a per-run override the RBAC cannot serve
/// does, with the real error texts, and that nothing changed.
/// </summary>
public sealed class RefusalTests(ITestOutputHelper output)
{
    private const string ClusterRole = $"{LifecycleKeys.TemplateName}-{RealCluster.WorkflowNamespace}";
    private const string Account = "system:serviceaccount:argo:kata-lifecycle-manager";

    public static TheoryData<string> Helms() => new(RealTool.Helm4.Name, RealTool.Helm3.Name);

    /// <summary>Issue 8 defect 1: kata-deploy's lookup of every Deployment needs a cluster-wide list.</summary>
    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Without_the_cluster_wide_deployments_list_preflight_fails_with_the_real_403_and_nothing_changes(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.31.0");
        cluster.ChangeRole("ClusterRole", ClusterRole, "", rules => Remove(rules, "apps", "deployments"));

        var preflight = Log(new RealRun(cluster, "3.32.0").Preflight());

        Assert.False(preflight.Succeeded);
        Assert.Contains($"error calling lookup: deployments.apps is forbidden: User \"{Account}\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope", preflight.Stderr);
        Assert.StartsWith("error: kata-deploy-chart: helm upgrade --dry-run=server of kube-system/kata-deploy to ", preflight.Stderr);
        Assert.Equal(["1 deployed kata-deploy-3.31.0"], RolloutTests.History(cluster));
    }

    /// <summary>Issue 8 defect 3: a user's rollingUpdate survived `--set updateStrategy.rollingUpdate=null`.</summary>
    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Stage_leaves_the_daemonset_exactly_on_delete_when_the_users_values_set_a_rolling_update_and_finish_restores_them(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.32.0",
            userValues: "updateStrategy:\n  rollingUpdate:\n    maxUnavailable: 2\n");
        var run = new RealRun(cluster, "4.0.0");
        Log(run.Preflight()).AssertSucceeded();
        Assert.Equal("""{"rollingUpdate":{"maxSurge":0,"maxUnavailable":2},"type":"RollingUpdate"}""", RolloutTests.Sorted(run.Preflighted["update-strategy"]));

        Log(run.Stage()).AssertSucceeded();
        Assert.Equal("""{"type":"OnDelete"}""", RolloutTests.Sorted(cluster.DaemonSetObject()["spec"]!["updateStrategy"]!.ToJsonString()));
        var staged = JsonNode.Parse(cluster.Admin("get", "values", RealCluster.Release, "-n", RealCluster.HelmNamespace, "-o", "json").AssertSucceeded().Stdout)!;
        // The null stays in the user-supplied values; it removes the chart's default rollingUpdate when rendering.
        Assert.Equal("""{"rollingUpdate":null,"type":"OnDelete"}""", RolloutTests.Sorted(staged["updateStrategy"]!.ToJsonString()));

        cluster.RecycleAll();
        Log(run.Finish()).AssertSucceeded();
        Assert.Equal("""{"rollingUpdate":{"maxSurge":0,"maxUnavailable":2},"type":"RollingUpdate"}""",
            RolloutTests.Sorted(cluster.DaemonSetObject()["spec"]!["updateStrategy"]!.ToJsonString()));
    }

    /// <summary>
    /// Kubernetes' escalation check: stage from 3.32.0 to 4.0.0 writes kata-deploy's ClusterRole with
    /// nodes/proxy get, which the account may only write while it holds it (no escalate, no bind).
    /// </summary>
    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Writing_kata_deploys_cluster_role_needs_its_rules_held_and_fails_with_the_real_escalation_error_without(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.32.0");
        cluster.ChangeRole("ClusterRole", ClusterRole, "", rules => Remove(rules, "", "nodes/proxy"));
        var run = new RealRun(cluster, "4.0.0");
        Log(run.Preflight()).AssertSucceeded();

        var stage = Log(run.Stage());

        Assert.False(stage.Succeeded);
        Assert.Contains($"clusterroles.rbac.authorization.k8s.io \\\"kata-deploy-role\\\" is forbidden: user \\\"{Account}\\\" (groups=[\\\"system:serviceaccounts\\\" \\\"system:serviceaccounts:argo\\\" \\\"system:authenticated\\\"]) is attempting to grant RBAC permissions not currently held:",
            stage.Stdout.Replace("\"", "\\\""));
        Assert.Contains("""{APIGroups:[""], Resources:["nodes/proxy"], Verbs:["get"]}""", stage.Stdout);
    }

    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Preflight_refuses_a_chart_version_or_reference_that_helm_cannot_pull(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.30.0");

        var missing = Log(new RealRun(cluster, "3.33.0").Preflight());
        var wrong = Log(new RealRun(cluster, "3.31.0").Preflight(("KATA_DEPLOY_CHART", cluster.Chart.Replace("kata-deploy-charts", "no-such-charts"))));

        Assert.False(missing.Succeeded);
        Assert.Contains("error: kata-deploy-chart: helm upgrade --dry-run=server of kube-system/kata-deploy to", missing.Stderr);
        Assert.Contains("3.33.0", missing.Stderr);
        Assert.False(wrong.Succeeded);
        Assert.Contains("no-such-charts/kata-deploy 3.31.0 fails: Error:", wrong.Stderr);
        Assert.Equal(["1 deployed kata-deploy-3.30.0"], RolloutTests.History(cluster));
    }

    public static TheoryData<string, string, string> Overrides() => new()
    {
        { "HELM_NAMESPACE", "kata-system", "error: helm-namespace: the workflow's ServiceAccount may not read Helm's release Secrets in namespace 'kata-system'; its RBAC is installed for another namespace: set the chart value defaults.helmNamespace=kata-system" },
        { "HELM_RELEASE", "kata-gpu", "error: helm-release: the workflow's ServiceAccount may not manage the objects of release 'kata-gpu'; its RBAC is installed for another release: set the chart value defaults.helmRelease=kata-gpu" },
        { "VERIFICATION_NAMESPACE", "kata-checks", "error: verification-namespace: the workflow's ServiceAccount may not create pods in namespace 'kata-checks'; its RBAC is installed for another namespace: set the chart value defaults.verificationNamespace=kata-checks" },
    };

    [RealToolsTheory]
    [MemberData(nameof(Overrides))]
    public async Task Preflight_refuses_a_per_run_override_the_installed_rbac_cannot_serve(string variable, string value, string error)
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.30.0");

        var preflight = Log(new RealRun(cluster, "3.31.0").Preflight((variable, value)));

        Assert.False(preflight.Succeeded);
        Assert.StartsWith(error, preflight.Stderr);
        Assert.Equal(1, preflight.Stderr.Count(c => c == '\n'));
        Assert.DoesNotContain(cluster.Api.Requests, r => r.Attributes.User == RealCluster.Workflow && r.Attributes.Resource == "secrets");
    }

    private static void Remove(JsonArray rules, string group, string resource)
    {
        foreach (var rule in rules.ToList())
        {
            var resources = rule!["resources"]!.AsArray();
            if (rule["apiGroups"]![0]!.ToString() != group || !resources.Any(r => (string?)r == resource))
                continue;
            if (resources.Count == 1)
                rules.Remove(rule);
            else
                resources.Remove(resources.First(r => (string?)r == resource));
        }
    }

    private StepResult Log(StepResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }
}
