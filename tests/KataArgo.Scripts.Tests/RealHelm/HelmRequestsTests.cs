using KataArgo.Lifecycle;
using KataArgo.Testing;
using KataArgo.Testing.Kube;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// The other half of the RBAC coverage (Workflow/RbacCoverageTests covers kubectl): every grant
/// marked "(helm)" in <see cref="StepPermissions"/> is requested by the real Helm 3 or Helm 4 when
/// the steps stage kata-deploy 3.29.0 → 4.1.0, finish, and roll back, or is held only because
/// kata-deploy's own ClusterRole grants it (Kubernetes' escalation check), or is needed for a case
/// this run does not meet (named below).
/// </summary>
public sealed class HelmRequestsTests(ITestOutputHelper output)
{
    /// <summary>Grants no request here needs, and why they stay.</summary>
    private static readonly Dictionary<string, string> NotRequestedHere = new()
    {
        ["Cluster nodes/proxy get"] = "held: kata-deploy 4.0+'s ClusterRole grants it",
        ["Cluster customresourcedefinitions get"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["Cluster customresourcedefinitions list"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["Cluster daemonsets watch"] = "held: kata-deploy's ClusterRole grants it",
        ["Cluster nodefeaturerules get"] = "Node Feature Discovery is not installed here",
        ["Cluster nodefeaturerules list"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["Cluster nodefeaturerules watch"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["Cluster nodefeaturerules create"] = "Node Feature Discovery is not installed here",
        ["Cluster nodefeaturerules update"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["Cluster nodefeaturerules patch"] = "Node Feature Discovery is not installed here",
        ["Cluster nodefeaturerules delete"] = "Node Feature Discovery is not installed here",
        ["Cluster runtimeclasses list"] = "held: kata-deploy 3.29-4.0's ClusterRole grants it",
        ["HelmNamespace secrets delete"] = "Helm deletes the oldest release Secret beyond --history-max (10 revisions)",
        ["HelmNamespace daemonsets delete"] = "a version or value that drops kata-monitor's DaemonSet",
    };

    [RealToolsFact]
    public async Task Every_helm_grant_is_requested_by_real_helm_or_held_for_a_named_reason()
    {
        var requests = new List<ApiRequest>();
        foreach (var helm in RealTool.Helms)
        {
            await using var cluster = await RealCluster.StartAsync(helm, "3.29.0");
            var run = new RealRun(cluster, "4.1.0");
            run.Preflight().AssertSucceeded();
            run.Stage().AssertSucceeded();
            await using (var failed = await cluster.ForkAsync())
            {
                new RealRun(failed, "4.1.0") { Preflighted = run.Preflighted }.Cleanup().AssertSucceeded();
                requests.AddRange(failed.Api.Requests);
            }
            cluster.RecycleAll();
            run.Finish().AssertSucceeded();
            requests.AddRange(cluster.Api.Requests);
        }
        var mine = requests.Where(r => r.Attributes.User == RealCluster.Workflow).ToList();
        foreach (var line in mine.Select(r => $"{Scope(r.Attributes)} {r.Attributes} {r.Status}").Distinct().Order())
            output.WriteLine(line);

        // kubectl 1.35's `create -f` reads the object's namespace first and goes on when that is forbidden.
        Assert.DoesNotContain(mine, r => r.Status == 403 && r.Attributes.Resource != "namespaces");
        var unused = StepPermissions.All.Where(p => p.Steps.Contains("(helm)", StringComparison.Ordinal))
            .SelectMany(p => p.Resources.SelectMany(resource => p.Verbs.Select(verb => $"{p.Scope} {resource} {verb}")))
            .Where(grant => !mine.Any(r => $"{Scope(r.Attributes)} {r.Attributes.ResourceWithSub} {r.Attributes.Verb}" == grant))
            .Where(grant => !NotRequestedHere.ContainsKey(grant))
            .Distinct().ToList();
        Assert.True(unused.Count == 0, "granted for Helm but never requested by it here:\n" + string.Join("\n", unused));
    }

    private static PermissionScope Scope(ApiAttributes a) => a.Namespace switch
    {
        "" => PermissionScope.Cluster,
        RealCluster.HelmNamespace => PermissionScope.HelmNamespace,
        RealCluster.VerificationNamespace => PermissionScope.VerificationNamespace,
        _ => PermissionScope.WorkflowNamespace,
    };
}
