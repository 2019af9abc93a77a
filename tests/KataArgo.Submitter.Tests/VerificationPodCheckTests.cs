using System.Text;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests;

/// <summary>The no-cluster rules preflight applies to -p verification-pod, with preflight's lines (templates/steps/preflight.sh).</summary>
public class VerificationPodCheckTests
{
    private static string? Check(string yaml) => VerificationPodCheck.Check(Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml)));

    private const string Pinned = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${TEST_POD}\nspec:\n  restartPolicy: Never\n";

    [Theory]
    [InlineData(Pinned + "  nodeName: ${NODE}\n")]
    [InlineData(Pinned + "  nodeSelector:\n    kubernetes.io/hostname: ${NODE}\n")]
    [InlineData("kind: Pod\nspec:\n  restartPolicy: OnFailure\n  nodeName: ${NODE}\n")]
    [InlineData(Pinned + "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - {key: metadata.name, operator: In, values: [\"${NODE}\"]}\n")]
    [InlineData("---\n" + Pinned + "  nodeName: ${NODE}\n---\n")]
    public void Accepts_a_single_pod_pinned_to_the_node_that_can_end(string yaml) => Assert.Null(Check(yaml));

    [Fact]
    public void Accepts_the_sample_pod() => Assert.Null(Check(Samples.CudaVerificationPod));

    [Theory]
    [InlineData(Pinned + "  nodeName: node-a\n", "verification-pod: the manifest does not use ${NODE}")]
    [InlineData(Pinned + "  nodeName: ${NODE}-x\n", "verification-pod: the pod is not pinned to ${NODE} (spec.nodeName, a spec.nodeSelector value or a required node affinity); it could verify another node")]
    [InlineData("apiVersion: v1\nkind: Pod\nspec:\n  nodeName: ${NODE}\n", "verification-pod: restartPolicy is Always (the default); use Never so the pod ends Succeeded or Failed")]
    [InlineData("kind: Pod\nspec:\n  restartPolicy: Always\n  nodeName: ${NODE}\n", "verification-pod: restartPolicy is Always; use Never so the pod ends Succeeded or Failed")]
    [InlineData("kind: Secret\ndata:\n  node: ${NODE}\n", "verification-pod: the manifest is a Secret, not a Pod")]
    [InlineData("metadata:\n  name: ${NODE}\n", "verification-pod: the manifest is a object without kind, not a Pod")]
    [InlineData(Pinned + "  nodeName: ${NODE}\n---\n" + Pinned + "  nodeName: ${NODE}\n", "verification-pod: the manifest holds 2 objects; give exactly one Pod")]
    [InlineData("kind: List\nitems: []\n", "verification-pod: the manifest holds 0 objects; give exactly one Pod")]
    [InlineData("", "verification-pod: the manifest holds 0 objects; give exactly one Pod")]
    public void Refuses_with_preflights_line(string yaml, string error) => Assert.Equal(error, Check(yaml));

    [Fact]
    public void Refuses_text_that_is_not_yaml() =>
        Assert.StartsWith("verification-pod: the manifest is not YAML: ", Check("kind: Pod\nspec: [\n"));

    [Theory]
    [InlineData("notbase64")]
    [InlineData("////")]
    public void Refuses_what_does_not_decode_to_text(string value) =>
        Assert.StartsWith("verification-pod: the value is not valid base64", VerificationPodCheck.Check(value));

    [Fact]
    public async Task Submit_refuses_an_unpinned_pod_before_sending_anything()
    {
        await using var server = await Fakes.FakeArgoServer.StartAsync();
        var pod = Convert.ToBase64String(Encoding.UTF8.GetBytes(Pinned + "  nodeName: node-a\n"));

        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, "submit", "-p", "target-version=3.30.0", "-p", "verification-pod=" + pod);

        Assert.Equal((2, "error: verification-pod: the manifest does not use ${NODE}\n"), (result.ExitCode, result.Error));
        Assert.Empty(server.Requests);
    }
}
