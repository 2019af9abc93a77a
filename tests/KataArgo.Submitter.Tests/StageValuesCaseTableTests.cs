using System.Text.Json.Nodes;

namespace KataArgo.Submitter.Tests;

/// <summary>StagedChanges.StageValues against the shared case table tests/cases/stage-values.json (lib.sh's stage_values passes the same table).</summary>
public class StageValuesCaseTableTests
{
    private static readonly JsonArray Cases = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "cases", "stage-values.json")))!["cases"]!.AsArray();

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => (string)c!["name"]!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case(string name)
    {
        var @case = Cases.Single(c => (string)c!["name"]! == name)!;
        // As plan reads it from the release Secret: no config is no user values.
        var config = @case["config"]?.DeepClone().AsObject() ?? [];

        var values = StagedChanges.StageValues(config);

        Assert.Equal(@case["values"]!.ToJsonString(), values.ToJsonString());
    }
}
