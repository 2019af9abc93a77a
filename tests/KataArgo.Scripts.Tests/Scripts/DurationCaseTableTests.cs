using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// tests/cases/durations.json through lib.sh's check_value, which every step applies to its
/// duration inputs: the same message as kata-argo and the chart for every value.
/// </summary>
public sealed class DurationCaseTableTests
{
    [Fact]
    public void Check_value_gives_the_table_s_message_for_every_duration()
    {
        var cases = DurationCases.All;

        var bash = CheckValue.Run(cases.Select(c => ($"duration:{(int)WorkflowParameters.Find(c.Parameter)!.MaxDuration!.Value.TotalSeconds}", c.Parameter, c.Value)));

        Assert.All(cases.Zip(bash), pair => Assert.True(pair.First.Error is null ? pair.Second == "" : pair.Second == "error: " + pair.First.Error,
            $"{pair.First}: expected '{pair.First.Error}', lib.sh says '{pair.Second}'"));
    }
}
