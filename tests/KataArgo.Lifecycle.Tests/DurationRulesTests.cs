using KataArgo.Testing;

namespace KataArgo.Lifecycle.Tests;

/// <summary>
/// tests/cases/durations.json as ParameterRules sees it (what kata-argo -p and the chart's values
/// apply), and values.schema.json's duration pattern accepting exactly the accepted cases.
/// </summary>
public class DurationRulesTests
{
    [Theory]
    [MemberData(nameof(DurationCases.Cases), MemberType = typeof(DurationCases))]
    public void Parameter_rules_give_the_table_s_message(string parameter, string value, string? error) =>
        Assert.Equal(error, WorkflowParameters.Find(parameter)!.Validate(value));

    [Theory]
    [MemberData(nameof(DurationCases.Cases), MemberType = typeof(DurationCases))]
    public void The_chart_schema_pattern_accepts_exactly_the_accepted_values(string parameter, string value, string? error)
    {
        var pattern = new System.Text.RegularExpressions.Regex(ParameterRules.DurationPattern(WorkflowParameters.Find(parameter)!.MaxDuration!.Value));

        Assert.Equal(error is null, pattern.IsMatch(value));
    }

    [Fact]
    public void The_table_covers_every_duration_parameter_and_every_kind_of_refusal()
    {
        var durations = WorkflowParameters.All.Where(p => p.Kind == ParameterKind.Duration).Select(p => p.Name).Order();
        Assert.Equal(durations, DurationCases.All.Select(c => c.Parameter).Distinct().Order());
        foreach (var kind in new[] { "is not a duration;", "is a Go duration, but not one this workflow takes", "is zero;", "is longer than the maximum", "is not in the accepted form;" })
            Assert.Contains(DurationCases.All, c => c.Error?.Contains(kind, StringComparison.Ordinal) == true);
        Assert.Contains(DurationCases.All, c => c.Error is null);
    }
}
