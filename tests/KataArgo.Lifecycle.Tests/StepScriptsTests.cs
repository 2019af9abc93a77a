using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle.Tests;

/// <summary>Each template embeds lib.sh reduced to what its step uses; nothing it uses may go missing.</summary>
public partial class StepScriptsTests
{
    public static IEnumerable<object[]> Steps() => StepScripts.Steps.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_library_function_a_step_calls_is_defined_in_its_script(string step)
    {
        var library = StepScripts.Read(StepScripts.Library);
        var script = StepScripts.Compose(step);

        foreach (var function in FunctionDefinition().Matches(library).Select(m => m.Groups[1].Value))
        {
            var called = Regex.IsMatch(script, $@"(?<![A-Za-z0-9_-]){function}(?![A-Za-z0-9_(-])");
            if (called)
                Assert.Contains($"\n{function}() {{", script);
        }
        foreach (var constant in Constant().Matches(library).Select(m => m.Groups[1].Value))
            if (Regex.IsMatch(script, $@"\${{?{constant}(?![A-Za-z0-9_])"))
                Assert.Contains($"readonly {constant}=", script);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void The_library_setup_is_always_kept_and_its_comments_are_not(string step)
    {
        var script = StepScripts.Compose(step);

        Assert.StartsWith("#!/usr/bin/env bash\n", script);
        Assert.Contains("\nset -euo pipefail\n", script);
        Assert.Contains("\ntrap on_exit EXIT\n", script);
        Assert.Contains($"\n# ---- {step} ----\n", script);
        Assert.DoesNotContain("# Shared helpers of every step", script);
    }

    [Fact]
    public void A_step_that_uses_fewer_helpers_embeds_less()
    {
        Assert.True(StepScripts.Compose("drain.sh").Length < StepScripts.Compose("cleanup.sh").Length / 2);
        Assert.DoesNotContain("recycle_node() {", StepScripts.Compose("drain.sh"));
    }

    [GeneratedRegex(@"(?m)^([a-z_][a-z0-9_]*)\(\) \{")]
    private static partial Regex FunctionDefinition();

    [GeneratedRegex(@"(?m)^readonly ([A-Z_][A-Z0-9_]*)=")]
    private static partial Regex Constant();
}
