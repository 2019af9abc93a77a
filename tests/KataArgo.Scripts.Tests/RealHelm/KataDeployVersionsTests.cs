using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Each rule of templates/steps/kata-deploy-versions.json against the real chart of every version
/// in ../shared/kata-deploy-charts, rendered by the real Helm 4 (<c>helm template</c>, no cluster).
/// </summary>
public sealed class KataDeployVersionsTests
{
    private static readonly KataDeployVersions Known = KataDeployVersions.Current;

    public static TheoryData<string> Versions() => new(KataDeployCharts.Versions);

    /// <summary>Ready means installed exactly from readyProbeSince: a startup and a readiness probe on /readyz, which the health values cannot switch off.</summary>
    [RealToolsTheory]
    [MemberData(nameof(Versions))]
    public void The_kata_deploy_container_is_gated_by_readyz_exactly_from_ready_probe_since(string version)
    {
        var expected = KataDeployVersions.CompareVersions(version, Known.ReadyProbeSince) >= 0;
        foreach (var values in new[] { "", "health.startupProbe.enabled=false,health.readinessProbe.enabled=false" })
        {
            var container = DaemonSet(Render(version, values))!["spec"]!["template"]!["spec"]!["containers"]![0]!;
            Assert.Equal(expected, (string?)container["readinessProbe"]?["httpGet"]?["path"] == Known.ReadyProbePath);
            Assert.Equal(expected, (string?)container["startupProbe"]?["httpGet"]?["path"] == Known.ReadyProbePath);
        }
    }

    /// <summary>From instanceLabel.since every RuntimeClass selects its install's label (prefix + its kata-deploy/instance label) = true; before, none does.</summary>
    [RealToolsTheory]
    [MemberData(nameof(Versions))]
    public void Runtime_classes_select_the_install_label_exactly_from_instance_label_since(string version)
    {
        var expected = KataDeployVersions.CompareVersions(version, Known.InstanceLabelSince) >= 0;
        var runtimeClasses = Render(version, "").Where(o => (string?)o["kind"] == "RuntimeClass").ToList();
        Assert.NotEmpty(runtimeClasses);
        foreach (var rc in runtimeClasses)
        {
            var instance = (string?)rc["metadata"]!["labels"]?[Known.InstanceRuntimeClassLabel];
            var selected = instance is not null
                && (string?)rc["scheduling"]?["nodeSelector"]?[Known.InstanceLabelPrefix + instance] == Known.InstanceInstalledValue;
            Assert.Equal(expected, selected);
            if (expected)
                Assert.Equal("default", instance);
        }
    }

    /// <summary>deploymentMode is a value of the chart exactly from deploymentModeSince, daemonset by default.</summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public void Deployment_mode_is_a_chart_value_exactly_from_deployment_mode_since(string version)
    {
        var values = File.ReadAllText(Path.Combine(KataDeployCharts.ChartDirectory(version), "values.yaml"));
        var expected = KataDeployVersions.CompareVersions(version, Known.DeploymentModeSince) >= 0;
        Assert.Equal(expected, values.Contains("\ndeploymentMode: daemonset", StringComparison.Ordinal));
        Assert.Equal(expected, values.Contains("\ndeploymentMode:", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_supported_chart_is_at_least_the_minimum_version()
    {
        Assert.All(KataDeployCharts.Versions, v => Assert.True(KataDeployVersions.CompareVersions(v, Known.MinimumVersion) >= 0, v));
        Assert.Equal(Known.MinimumVersion, KataDeployCharts.Versions[0]);
    }

    private static List<JsonObject> Render(string version, string set)
    {
        var args = new List<string> { "template", "kata-deploy", KataDeployCharts.ChartDirectory(version), "-n", "kube-system" };
        if (set.Length > 0)
            args.AddRange(["--set", set]);
        var (exit, stdout, stderr) = RealTools.Run(RealTool.Helm4, [.. args]);
        Assert.True(exit == 0, stderr);
        return [.. ArgoYaml.LoadAll(stdout).Select(d => d.Root).OfType<JsonObject>()];
    }

    private static JsonObject? DaemonSet(IEnumerable<JsonObject> objects) =>
        objects.Single(o => (string?)o["kind"] == "DaemonSet" && (string?)o["metadata"]?["name"] == "kata-deploy");
}
