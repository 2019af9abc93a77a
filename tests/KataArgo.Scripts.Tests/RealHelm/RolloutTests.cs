using System.Text.Json.Nodes;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// The helm commands of preflight, stage, finish and cleanup, run by the real Helm 3 and Helm 4
/// on the real kata-deploy charts, against the in-process API that enforces this chart's RBAC:
/// every from → to pair of ../shared/kata-deploy-charts.
/// </summary>
public abstract class RolloutTests(ITestOutputHelper output, RealTool helm)
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (from, to) in KataDeployCharts.Pairs())
            data.Add(from, to);
        return data;
    }

    private const string OriginalStrategy = """{"rollingUpdate":{"maxSurge":0,"maxUnavailable":1},"type":"RollingUpdate"}""";

    /// <summary>
    /// One run up to stage, then both ends: finish after every node was recycled, and (on a copy of
    /// the cluster as stage left it) the exit handler of a failed run, which rolls back.
    /// </summary>
    [RealToolsTheory]
    [MemberData(nameof(Pairs))]
    public async Task Preflight_stage_finish_and_the_exit_handlers_rollback_succeed_under_the_charts_own_rbac(string from, string to)
    {
        await using var cluster = await RealCluster.StartAsync(helm, from);
        var run = new RealRun(cluster, to);

        var before = Template(cluster);
        var pods = PodNames(cluster);
        Log(run.Preflight()).AssertSucceeded();
        Assert.Equal(("1", from, "kata-deploy"), (run.Preflighted["release-revision"], run.Preflighted["from-version"], run.Preflighted["daemonset"]));
        Assert.Equal(OriginalStrategy, Sorted(run.Preflighted["update-strategy"]));
        var stage = Log(run.Stage()).AssertSucceeded();
        Assert.Equal("""{"type":"OnDelete"}""", Sorted(cluster.DaemonSetObject()["spec"]!["updateStrategy"]!.ToJsonString()));
        Assert.Contains($"revision 2 (kata-deploy-{to}, deployed)", stage.Stdout);

        await using (var failed = await cluster.ForkAsync())
        {
            // The rollback: the old chart with OnDelete (3), every pod back (none was recycled
            // here), then `helm rollback` to the pre-rollout revision (4), which restarts nothing.
            var cleanup = Log(new RealRun(failed, to) { Preflighted = run.Preflighted }.Cleanup()).AssertSucceeded();
            Assert.Contains($"helm upgrade kata-deploy to {failed.Chart} {from} with the values of revision 1 and updateStrategy OnDelete", cleanup.Stdout);
            Assert.Contains("helm rollback kata-deploy 1: the exact pre-rollout values", cleanup.Stdout);
            Assert.DoesNotContain("warning: the pre-rollout revision has another pod template", cleanup.Stdout);
            Assert.Equal([$"1 superseded kata-deploy-{from}", $"2 superseded kata-deploy-{to}", $"3 superseded kata-deploy-{from}", $"4 deployed kata-deploy-{from}"], History(failed));
            Assert.Equal(before, Template(failed));
            Assert.Equal(pods, PodNames(failed));
            Assert.Empty(failed.Api.Violations);
        }

        cluster.RecycleAll();
        Log(run.Finish()).AssertSucceeded();
        Assert.Equal(OriginalStrategy, Sorted(cluster.DaemonSetObject()["spec"]!["updateStrategy"]!.ToJsonString()));
        Assert.Equal([$"1 superseded kata-deploy-{from}", $"2 superseded kata-deploy-{to}", $"3 deployed kata-deploy-{to}"], History(cluster));
        Assert.Empty(cluster.Api.Violations);
    }

    /// <summary>The DaemonSet's spec (strategy, pod template) and updated revision: equal means nothing a pod sees changed.</summary>
    private static string Template(RealCluster cluster) =>
        Sorted(cluster.DaemonSetObject()["spec"]!.ToJsonString()) + " " + cluster.Api.UpdatedRevision(RealCluster.HelmNamespace, RealCluster.DaemonSet);

    private static List<string> PodNames(RealCluster cluster) =>
        [.. cluster.Api.Store.List("", "pods", RealCluster.HelmNamespace).Select(p => (string)p["metadata"]!["name"]!).Order()];

    internal static List<string> History(RealCluster cluster)
    {
        var history = cluster.Admin("history", RealCluster.Release, "-n", RealCluster.HelmNamespace, "-o", "json").AssertSucceeded();
        return [.. JsonNode.Parse(history.Stdout)!.AsArray().Select(r => $"{r!["revision"]} {r["status"]} {r["chart"]}")];
    }

    /// <summary>JSON with object keys sorted, to compare objects whatever the writer's key order.</summary>
    internal static string Sorted(string json) => Sort(JsonNode.Parse(json))!.ToJsonString();

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Sort(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sort)]),
        _ => node?.DeepClone(),
    };

    private StepResult Log(StepResult result)
    {
        output.WriteLine(result.ToString());
        return result;
    }
}

public sealed class Helm4RolloutTests(ITestOutputHelper output) : RolloutTests(output, RealTool.Helm4);

public sealed class Helm3RolloutTests(ITestOutputHelper output) : RolloutTests(output, RealTool.Helm3);
