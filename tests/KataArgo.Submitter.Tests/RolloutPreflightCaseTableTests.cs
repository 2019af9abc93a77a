using System.Text.Json.Nodes;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter.Tests;

/// <summary>RolloutRules.Judge against the shared case table tests/cases/rollout-preflight.json (rollout.sh's rollout_preflight passes the same table).</summary>
public class RolloutPreflightCaseTableTests
{
    private static readonly JsonObject Table = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cases", "rollout-preflight.json")))!.AsObject();
    private static readonly JsonArray Cases = Table["cases"]!.AsArray();

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => (string)c!["name"]!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case(string name)
    {
        var @case = Cases.Single(c => (string)c!["name"]! == name)!;
        var nodes = @case["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        string? Label(JsonObject node, string key) => (string?)node["labels"]![key];
        RolloutState? state = null;
        if (@case["record"] is JsonObject overrides)
        {
            var data = Table["record"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
            foreach (var (key, value) in overrides)
                data[key] = (string)value!;
            var record = RolloutRecord.Parse("kata-deploy", "kube-system", data["rollout"], data);
            // As RolloutState.ReadAsync counts while staged or finishing: a node is done when its kata-deploy pod runs the updated revision.
            var withPod = nodes.Where(n => n["kata-deploy"] is not null).OrderBy(n => (string)n["name"]!, StringComparer.Ordinal).ToList();
            var counted = record.IsOpen && record.Phase != RolloutPhase.RollingBack;
            state = new RolloutState(record, RolloutRecord.ConfigMapName("kube-system", "kata-deploy"), "argo",
                counted ? [.. withPod.Where(n => (string?)n["kata-deploy"] == "staged").Select(n => (string)n["name"]!)] : [],
                counted ? [.. withPod.Where(n => (string?)n["kata-deploy"] != "staged").Select(n => (string)n["name"]!)] : []);
        }
        var labelled = nodes.Where(n => Label(n, RolloutRecord.Label) is not null)
            .Select(n => new RolloutNode((string)n["name"]!, Label(n, RolloutRecord.Label)!, (string?)n["annotations"]![LifecycleKeys.Status], Label(n, LifecycleKeys.Run)))
            .ToList();
        // As StagedChanges reads Helm's Secrets: the latest revision, and the last deployed or superseded one.
        var history = @case["release"]!.AsArray().Select(s => (string)s!).ToList();
        var deployed = history.FindLastIndex(s => s is "deployed" or "superseded");
        var head = new ReleaseHead("kube-system", "kata-deploy", history.Count, history[^1], deployed < 0 ? null : deployed + 1);

        var verdict = RolloutRules.Judge(state, (string)@case["target-version"]!, labelled, head);

        var expected = @case["expected"]!;
        Assert.Equal(((string)expected["decision"]!, (string?)expected["message"]), (verdict.Action.ToString().ToLowerInvariant(), verdict.Reason));
    }
}
