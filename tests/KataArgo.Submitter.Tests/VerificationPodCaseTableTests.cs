using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>
/// kata-argo submit's check of -p verification-pod against the shared case table
/// tests/cases/verification-pod.json (preflight.sh and the chart pass the same table).
/// </summary>
public sealed class VerificationPodCaseTableTests
{
    [Theory]
    [MemberData(nameof(VerificationPodCases.Names), MemberType = typeof(VerificationPodCases))]
    public void Submit_gives_the_verdict_of_the_table(string name)
    {
        var c = VerificationPodCases.Get(name);

        c.AssertVerdict(VerificationPodCase.Parameter, VerificationPodCheck.Check(c.Base64));
    }
}
