using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Issue 9's three cases against the real charts, Helm and kubectl: stage of 4.1.0 must not
/// strand Kata pods on nodes not yet upgraded; recycle must wait for "installed", which on
/// 3.29.0/3.30.0 is not Ready; a target that would run in job mode is refused in preflight.
/// </summary>
public sealed class KataDeployBehaviourTests(ITestOutputHelper output)
{
    private const string KataRuntimeLabel = "katacontainers.io/kata-runtime";
    private const string InstallLabel = "kata-deploy.katacontainers.io/default";

    public static TheoryData<string> Helms() => new(RealTool.Helm4.Name, RealTool.Helm3.Name);

    /// <summary>
    /// Case 1: from 4.0.0 to 4.1.0 every RuntimeClass starts to select the 4.1.0 install label.
    /// After stage, a node where kata-deploy is installed (4.0.0 labelled it kata-runtime=true)
    /// still matches every RuntimeClass; a node where it is not installed is named and left alone.
    /// </summary>
    [RealToolsTheory]
    [MemberData(nameof(Helms))]
    public async Task Stage_to_4_1_0_leaves_every_node_where_kata_is_installed_matching_every_runtime_class(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "4.0.0");
        foreach (var node in RealCluster.Nodes)
            Label(cluster, node, KataRuntimeLabel, "true");
        // node-b's kata-deploy pod is still installing: its /readyz probe keeps it unready.
        SetReady(cluster, "node-b", false);
        var run = new RealRun(cluster, "4.1.0");

        Log(run.Preflight()).AssertSucceeded();
        Assert.Equal($"{InstallLabel}=true", run.Preflighted["install-labels"]);
        var stage = Log(run.Stage()).AssertSucceeded();

        var runtimeClasses = cluster.Api.Store.List("node.k8s.io", "runtimeclasses", "");
        Assert.NotEmpty(runtimeClasses);
        Assert.All(runtimeClasses, rc => Assert.Equal("true", (string?)rc["scheduling"]!["nodeSelector"]![InstallLabel]));
        // kata-deploy's own keys (a GPU or TEE class also selects hardware labels, which no upgrade changes).
        var nodeA = Labels(cluster, "node-a");
        Assert.All(runtimeClasses, rc => Assert.All(
            rc["scheduling"]!["nodeSelector"]!.AsObject().Where(s => KataDeployVersions.Current.LabelDomains.Contains(s.Key.Split('/')[0])),
            s => Assert.Equal((string?)s.Value, nodeA.GetValueOrDefault(s.Key))));
        Assert.False(Labels(cluster, "node-b").ContainsKey(InstallLabel));
        Assert.Contains($"stage: labelled {InstallLabel}=true 1 node(s) where kata-deploy is installed", stage.Stdout);
        Assert.Contains($"warning: stage: not labelled {InstallLabel}=true, kata-deploy is not installed there: node-b", stage.Stdout);
        Assert.Empty(cluster.Api.Violations);
    }

    /// <summary>
    /// Case 2: 3.29.0 and 3.30.0 have no readiness probe, so their pod is Ready while it still
    /// installs. Recycle waits for the line kata-deploy logs once installed; 3.31.0+ pods are
    /// installed when Ready (their /readyz probe).
    /// </summary>
    [RealToolsTheory]
    [InlineData("3.29.0", "3.30.0", false)]
    [InlineData("3.30.0", "3.31.0", true)]
    public async Task Recycle_waits_until_the_new_pod_has_installed_kata_and_ready_means_that_only_with_a_readyz_probe(string from, string to, bool probed)
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, from);
        var run = new RealRun(cluster, to);
        Log(run.Preflight()).AssertSucceeded();
        Log(run.Stage()).AssertSucceeded();
        // The DaemonSet controller created node-a's new pod: running, Ready, nothing logged yet.
        cluster.RecycleAll(installed: false);

        var recycle = Log(Recycle(cluster, "node-a", "2s"));

        if (probed)
        {
            recycle.AssertSucceeded();
            Assert.Contains("is installed (Ready through its /readyz probe)", recycle.Stdout);
            return;
        }
        Assert.False(recycle.Succeeded);
        Assert.Contains("is Ready but did not log 'Kata Containers installation completed successfully' within 2s (recycle-timeout)", recycle.Stderr);

        cluster.Api.Logs[$"{RealCluster.HelmNamespace}/{cluster.KataDeployPods().Single(p => p.Contains("node-a"))}"] = RealCluster.InstalledLogLine + "\n";
        recycle = Log(Recycle(cluster, "node-a", "2s")).AssertSucceeded();
        Assert.Contains("is installed (its log says 'Kata Containers installation completed successfully')", recycle.Stdout);
    }

    /// <summary>
    /// Case 3: a release 3.31.0 whose values say deploymentMode job (3.31.0 has no such value and
    /// runs its DaemonSet) would switch to job mode with 3.32.0; a chart that defaults to job mode
    /// (4.0.0 with only that default changed, served as 4.0.1) would too. Both refused in preflight.
    /// </summary>
    [RealToolsFact]
    public async Task A_target_that_would_run_in_job_mode_is_refused_in_preflight_and_nothing_changes()
    {
        await using (var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.31.0", userValues: "deploymentMode: job\n"))
        {
            var preflight = Log(new RealRun(cluster, "3.32.0").Preflight());
            Assert.False(preflight.Succeeded);
            Assert.Equal(JobModeRefusal("3.32.0"), VersionPairTests.Error(preflight.Stderr));
            Assert.Equal(["1 deployed kata-deploy-3.31.0"], RolloutTests.History(cluster));
        }

        await PushJobDefaultChartAsync("4.0.0", "4.0.1");
        await using (var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.32.0"))
        {
            var preflight = Log(new RealRun(cluster, "4.0.1").Preflight());
            Assert.False(preflight.Succeeded);
            Assert.Equal(JobModeRefusal("4.0.1"), VersionPairTests.Error(preflight.Stderr));
            Assert.Equal(JobModeRefusal("4.0.1"), (await cluster.PlanChangesAsync("4.0.1")).Refusal);
            Assert.Equal(["1 deployed kata-deploy-3.32.0"], RolloutTests.History(cluster));
        }
    }

    private static string JobModeRefusal(string to) =>
        $"target-version: kata-deploy {to} with the release's values renders no DaemonSet kata-deploy, so it would run in deploymentMode job, which this workflow does not upgrade; keep deploymentMode daemonset, or upgrade with helm";

    /// <summary>The real chart of BASE with only its default deploymentMode set to job, packaged as VERSION and served beside the real ones.</summary>
    private static async Task PushJobDefaultChartAsync(string baseVersion, string version)
    {
        var directory = Directory.CreateTempSubdirectory("kata-job-chart-").FullName;
        try
        {
            var chart = Path.Combine(directory, "kata-deploy");
            CopyDirectory(KataDeployCharts.ChartDirectory(baseVersion), chart);
            var values = Path.Combine(chart, "values.yaml");
            var text = File.ReadAllText(values);
            const string Default = "\ndeploymentMode: daemonset  # daemonset | job\n";
            Assert.Contains(Default, text);
            File.WriteAllText(values, text.Replace(Default, "\ndeploymentMode: job\n", StringComparison.Ordinal));
            var meta = Path.Combine(chart, "Chart.yaml");
            File.WriteAllText(meta, File.ReadAllText(meta).Replace($"version: \"{baseVersion}\"", $"version: \"{version}\"", StringComparison.Ordinal));
            var (exit, _, error) = RealTools.Run(RealTool.Helm4, "package", chart, "-d", directory);
            Assert.True(exit == 0, error);
            (await KataDeployCharts.RegistryAsync()).Push(KataDeployCharts.Repository, "kata-deploy", version,
                File.ReadAllBytes(Path.Combine(directory, $"kata-deploy-{version}.tgz")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from))
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
    }

    private static StepResult Recycle(RealCluster cluster, string node, string timeout) => cluster.Step("recycle.sh", new Dictionary<string, string>
    {
        ["NODE"] = node, ["DAEMONSET"] = RealCluster.DaemonSet, ["HELM_NAMESPACE"] = RealCluster.HelmNamespace, ["RECYCLE_TIMEOUT"] = timeout,
    });

    private static void Label(RealCluster cluster, string node, string key, string value)
    {
        var obj = cluster.Api.Store.Get("", "nodes", "", node)!;
        obj["metadata"]!["labels"]![key] = value;
        cluster.Api.Seed(obj);
    }

    private static Dictionary<string, string?> Labels(RealCluster cluster, string node) =>
        cluster.Api.Store.Get("", "nodes", "", node)!["metadata"]!["labels"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);

    private static void SetReady(RealCluster cluster, string node, bool ready)
    {
        var pod = cluster.Api.Store.List("", "pods", RealCluster.HelmNamespace).Single(p => (string?)p["spec"]!["nodeName"] == node);
        pod["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" });
        cluster.Api.Seed(pod);
    }

    private StepResult Log(StepResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }
}
