using System.Text;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>
/// What kata-argo submit adds to the manifest rules (VerificationPodCaseTableTests): the value's
/// encoding, and that a refused pod is refused before anything is sent.
/// </summary>
public class VerificationPodCheckTests
{
    [Fact]
    public void Accepts_the_sample_pod() =>
        Assert.Null(VerificationPodCheck.Check(Convert.ToBase64String(Encoding.UTF8.GetBytes(Samples.CudaVerificationPod))));

    [Theory]
    [InlineData("notbase64")]
    [InlineData("YWJjZA===")]
    public void Refuses_what_is_not_base64_with_the_parameter_rule_s_line(string value) =>
        Assert.Equal("verification-pod: the value is not base64; pass the Pod manifest encoded, e.g. -p verification-pod=$(base64 -w0 pod.yaml)",
            VerificationPodCheck.Check(value));

    [Fact]
    public void Refuses_bytes_that_are_not_text_as_unreadable() =>
        Assert.Equal("verification-pod: the manifest cannot be read as Kubernetes objects: the value decodes to bytes that are not UTF-8 text",
            VerificationPodCheck.Check("////"));

    [Fact]
    public async Task Submit_refuses_an_unpinned_pod_before_sending_anything()
    {
        await using var server = await Fakes.FakeArgoServer.StartAsync();
        var unpinned = VerificationPodCases.Get("unpinned");

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0", "-p", "verification-pod=" + unpinned.Base64);

        Assert.Equal((2, $"error: {unpinned.Expected(VerificationPodCase.Parameter)}\n"), (result.ExitCode, result.Error));
        Assert.Empty(server.Requests);
    }
}
