using System.Text.Json.Nodes;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// lib.sh's stage_values passes the same table as the C# StagedChanges.StageValues behind
/// `kata-argo plan`: tests/cases/stage-values.json. Each case's config is one revision of the
/// release (read with helm get values --revision, as stage does); one bash run makes them all.
/// </summary>
public sealed class StageValuesCaseTableTests
{
    private static readonly JsonArray Cases =
        JsonNode.Parse(File.ReadAllText(Repo.Path("tests", "cases", "stage-values.json")))!["cases"]!.AsArray();

    /// <summary>stage_values of every revision: the file it wrote, by case name (or its error output).</summary>
    private static readonly Lazy<Dictionary<string, string>> Made = new(() =>
    {
        var names = Cases.Select(c => (string)c!["name"]!).ToList();
        // One revision per case, then a deployed one for the release's DaemonSet.
        Revision[] history = [.. Cases.Select((c, i) => new Revision(i + 1, Scenario.From, "superseded", c!["config"]?.DeepClone().AsObject())),
            new Revision(Cases.Count + 1, Scenario.From, "deployed")];
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From, history: history));
        var script = $"""
            source '{sandbox.StepsDir}/lib.sh'
            for revision in $(seq 1 {names.Count}); do
              stage_values kata-deploy kube-system "$revision" "$OUTPUT_DIR/$revision" 2>"$OUTPUT_DIR/$revision" || true
            done
            """;
        var result = sandbox.RunSource("stage_values", $"mkdir -p \"$OUTPUT_DIR\"\n{script}\n", Scenario.Env());
        Assert.True(result.Succeeded, result.ToString());
        return names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => result.Outputs[(x.i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    });

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => (string)c!["name"]!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Stage_values_agrees_with_plan(string name)
    {
        var expected = Cases.Single(c => (string)c!["name"]! == name)!["values"]!;

        var made = Made.Value[name];

        Assert.Equal(expected.ToJsonString(), JsonNode.Parse(made)?.ToJsonString());
    }
}
