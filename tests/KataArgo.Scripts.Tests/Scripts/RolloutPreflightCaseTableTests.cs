using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// Preflight's checks of the release and its rollout (rollout.sh's release_pending_check,
/// rollout_preflight and release_deployed_check, in preflight.sh's order) pass the same table as
/// the C# RolloutRules.Judge behind `kata-argo plan`: tests/cases/rollout-preflight.json.
/// </summary>
public sealed class RolloutPreflightCaseTableTests
{
    private static readonly JsonObject Table = JsonNode.Parse(File.ReadAllText(Repo.Path("tests", "cases", "rollout-preflight.json")))!.AsObject();
    private static readonly JsonArray Cases = Table["cases"]!.AsArray();

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => (string)c!["name"]!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rollout_preflight_agrees_with_plan(string name)
    {
        var @case = Cases.Single(c => (string)c!["name"]! == name)!;
        var history = @case["release"]!.AsArray();
        var (revision, status) = (history.Count, (string)history[^1]!);
        using var sandbox = new Sandbox(ClusterOf(@case));

        var result = sandbox.RunSource("rollout_preflight",
            $"source '{sandbox.StepsDir}/lib.sh'\nrelease_pending_check kata-deploy kube-system {status}\nrollout_preflight argo {revision} {status}\n" +
            $"release_deployed_check kata-deploy kube-system {status}\necho \"continues=$ROLLOUT_CONTINUES\"\n",
            Scenario.Env(("TARGET_VERSION", (string)@case["target-version"]!)));

        var expected = @case["expected"]!;
        var decision = result.Succeeded ? (result.Stdout.Contains("continues=true") ? "continue" : "new") : "refused";
        Assert.True(result.Succeeded || result.TerminationMessage is not null, result.ToString());
        Assert.Equal(((string)expected["decision"]!, (string?)expected["message"]), (decision, result.Succeeded ? null : result.TerminationMessage));
    }

    /// <summary>
    /// The nodes, the release's history (the first revision at the pre-rollout version, the rest at
    /// the target; the last deployed one is the DaemonSet's updated revision),
    /// each node's kata-deploy pod on it or on the pre-rollout revision, and the record.
    /// </summary>
    private static Cluster ClusterOf(JsonNode @case)
    {
        var nodes = @case["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        var history = @case["release"]!.AsArray()
            .Select((s, i) => new Revision(i + 1, i == 0 ? Scenario.From : Scenario.Target, (string)s!)).ToArray();
        var cluster = Cluster.WithNodes([.. nodes.Select(n => (string)n["name"]!)])
            .WithRelease(Scenario.From, history: history, without: [.. nodes.Where(n => n["kata-deploy"] is null).Select(n => (string)n["name"]!)]);
        foreach (var node in nodes)
        {
            var name = (string)node["name"]!;
            foreach (var (key, value) in node["labels"]!.AsObject())
                cluster.Label(name, key, (string)value!);
            foreach (var (key, value) in node["annotations"]!.AsObject())
                cluster.Annotate(name, key, (string)value!);
        }
        if (@case["record"] is JsonObject overrides)
        {
            var data = Table["record"]!.DeepClone().AsObject();
            foreach (var (key, value) in overrides)
                data[key] = value!.DeepClone();
            cluster.WithConfigMap(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{LifecycleKeys.RolloutRecordPrefix}kube-system.kata-deploy",
                    ["namespace"] = "argo",
                    ["labels"] = new JsonObject { [LifecycleKeys.Rollout] = (string)data["rollout"]! },
                },
                ["data"] = data,
            });
        }
        return cluster.WithPodsOn(Scenario.From, [.. nodes.Where(n => (string?)n["kata-deploy"] == "pre").Select(n => (string)n["name"]!)]);
    }
}
