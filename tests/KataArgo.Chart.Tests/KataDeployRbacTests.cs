using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using k8s;
using KataArgo.Testing;
using KataArgo.Testing.Kube;

namespace KataArgo.Chart.Tests;

/// <summary>
/// Kubernetes lets an account write a ClusterRole only with rules it holds (or with escalate).
/// kata-deploy's ClusterRole, rendered by the real `helm template` from every chart in
/// ../shared/kata-deploy-charts, must be covered by the workflow's ClusterRole, which holds no
/// escalate or bind.
/// </summary>
public sealed class KataDeployRbacTests
{
    [RealToolsFact]
    public void The_workflow_holds_every_rule_of_kata_deploys_cluster_role_in_every_supported_version()
    {
        var target = new RbacTarget("argo", "kube-system", "default", "kata-deploy", "");
        var clusterRole = JsonNode.Parse(KubernetesJson.Serialize(RbacManifests.Rbac(target, new Dictionary<string, string>()).OfType<k8s.Models.V1ClusterRole>().Single()))!;
        var held = clusterRole["rules"]!.AsArray().Select(r => PolicyRule.From(r!)).ToList();
        var union = new List<PolicyRule>();
        foreach (var version in KataDeployCharts.Versions)
        {
            var (exit, stdout, stderr) = RealTools.Run(RealTool.Helm4, "template", "kata-deploy", KataDeployCharts.ChartDirectory(version), "-n", "kube-system");
            Assert.True(exit == 0, stderr);
            var role = ArgoYaml.LoadAll(stdout).Select(d => d.Root).Single(d => (string?)d?["kind"] == "ClusterRole" && (string?)d!["metadata"]!["name"] == "kata-deploy-role")!;
            union.AddRange(role["rules"]!.AsArray().Select(r => PolicyRule.From(r!)));
        }

        var missing = union.SelectMany(r => r.Breakdown()).Where(rule => !held.Any(h => h.Covers(rule))).Select(r => r.CompactString()).Distinct().ToList();

        Assert.Equal(6, KataDeployCharts.Versions.Count);
        Assert.Contains(union, r => r.Resources.Contains("nodes/proxy"));
        Assert.True(missing.Count == 0, "kata-deploy's ClusterRole grants rules the workflow does not hold:\n" + string.Join("\n", missing));
    }
}
