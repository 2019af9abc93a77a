using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Issue 9: for every upgrade pair (FROM, TO), FROM at most TO, of the real charts in
/// ../shared/kata-deploy-charts, the real preflight with the real Helm 4 on a cluster where the
/// real Helm installed FROM: its decision (go / refused with which line, the install labels stage
/// puts first) and the cluster-scoped changes it lists are the entry of the table that plan's
/// comparison wrote (<see cref="VersionPairTableTests"/>). One cluster per FROM; preflight changes
/// nothing, so every TO runs on it.
/// </summary>
public sealed class VersionPairTests(ITestOutputHelper output)
{
    public static TheoryData<string> From() => new(KataDeployCharts.Versions);

    [RealToolsTheory]
    [MemberData(nameof(From))]
    public async Task Preflight_decides_every_upgrade_from_this_version_as_the_table_says(string from)
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, from);
        foreach (var to in KataDeployCharts.Versions.SkipWhile(v => v != from))
        {
            var preflight = new RealRun(cluster, to).Preflight();
            output.WriteLine(preflight.ToString());
            var refusal = preflight.Succeeded ? null : Error(preflight.Stderr);
            var labels = preflight.Succeeded ? preflight.Outputs["install-labels"] : "";
            Assert.Equal(VersionPairTableTests.TableEntry(from, to), VersionPairTableTests.Entry(from, to, refusal, labels, Listed(preflight.Stdout)));
        }
        Assert.Equal([$"1 deployed kata-deploy-{from}"], RolloutTests.History(cluster));
        Assert.Empty(cluster.Api.Violations);
    }

    /// <summary>The lines preflight lists under its cluster-scoped changes header, without their indent.</summary>
    internal static List<string> Listed(string stdout) =>
        [.. stdout.Split('\n').SkipWhile(l => !l.StartsWith("preflight: cluster-scoped changes of stage's upgrade", StringComparison.Ordinal))
            .Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l[2..])];

    internal static string? Error(string stderr) =>
        stderr.Split('\n').LastOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal))?["error: ".Length..];
}
