using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// rollout.sh's rollout_preflight (preflight's continue-or-refuse rules of an open rollout) passes
/// the same table as the C# RolloutRules.Judge behind `kata-argo plan`: tests/cases/rollout-preflight.json.
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
        var release = @case["release"]!;
        var (revision, status) = ((int)release["revision"]!, (string)release["status"]!);
        using var sandbox = new Sandbox(ClusterOf(@case));

        var result = sandbox.RunSource("rollout_preflight",
            $"source '{sandbox.StepsDir}/lib.sh'\nrollout_preflight argo {revision} {status}\necho \"continues=$ROLLOUT_CONTINUES\"\n",
            Scenario.Env(("TARGET_VERSION", (string)@case["target-version"]!)));

        var expected = @case["expected"]!;
        var decision = result.Succeeded ? (result.Stdout.Contains("continues=true") ? "continue" : "new") : "refused";
        Assert.True(result.Succeeded || result.TerminationMessage is not null, result.ToString());
        Assert.Equal(((string)expected["decision"]!, (string?)expected["message"]), (decision, result.Succeeded ? null : result.TerminationMessage));
    }

    /// <summary>
    /// The nodes, the release's history up to the case's revision (the first at the pre-rollout
    /// version, the rest at the target; the last deployed one is the DaemonSet's updated revision),
    /// each node's kata-deploy pod on it or on the pre-rollout revision, and the record.
    /// </summary>
    private static Cluster ClusterOf(JsonNode @case)
    {
        var nodes = @case["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        var release = @case["release"]!;
        var (head, status) = ((int)release["revision"]!, (string)release["status"]!);
        var history = Enumerable.Range(1, head).Select(i => new Revision(i, i == 1 ? Scenario.From : Scenario.Target,
            i == head ? status : i == head - 1 && status != "deployed" ? "deployed" : "superseded")).ToArray();
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
