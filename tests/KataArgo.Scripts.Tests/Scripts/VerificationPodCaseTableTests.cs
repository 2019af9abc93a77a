using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// preflight.sh, the authority on the verification pod, against the shared case table
/// tests/cases/verification-pod.json (kata-argo submit and the chart pass the same table). The
/// kubectl double reads each manifest as the real kubectl does (DoubleContractTests).
/// </summary>
public sealed class VerificationPodCaseTableTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(VerificationPodCases.Names), MemberType = typeof(VerificationPodCases))]
    public void Preflight_gives_the_verdict_of_the_table(string name)
    {
        var c = VerificationPodCases.Get(name);
        using var sandbox = new Sandbox(Scenario.TwoNodes().WithManifest(c.Manifest));

        var result = sandbox.Run("preflight.sh", Scenario.Env(("VERIFICATION_POD", c.Base64)));
        output.WriteLine(result.ToString());

        Assert.Empty(sandbox.Calls.Unimplemented);
        if (c.Accepted)
        {
            Assert.True(result.Succeeded, result.ToString());
            return;
        }
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        c.AssertVerdict(VerificationPodCase.Parameter, line["error: ".Length..]);
        Assert.Empty(result.Outputs);
        Assert.Empty(sandbox.Calls.Mutating);
    }
}
