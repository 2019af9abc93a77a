using KataArgo.Testing;

namespace KataArgo.Cli.Tests;

/// <summary>The chart-values cases of the bad-input matrix, through `kata-argo template`.</summary>
public class BadInputValuesTests
{
    [Theory]
    [MemberData(nameof(BadInput.Ids), "values", MemberType = typeof(BadInput))]
    public async Task Template_refuses_with_the_exact_line_and_prints_nothing(string id)
    {
        var bad = BadInput.Get(id);
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        cli.Write("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: check-${NODE}\n");
        cli.Write("unpinned.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${TEST_POD}\n");
        cli.Write("two-pods.yaml", Samples.CudaVerificationPod + "---\n" + Samples.CudaVerificationPod);
        cli.Write("huge.yaml", Samples.CudaVerificationPod + "# " + new string('x', 79_600) + "\n");
        var files = cli.Files().Select(f => (f, File.ReadAllText(f))).ToList();

        var (exit, output, error) = await cli.Run(["template", .. bad.Args]);

        Assert.Equal(bad.Exit, exit);
        Assert.Equal("error: " + bad.Error + "\n", error);
        Assert.Equal("", output);
        Assert.Equal(files, cli.Files().Select(f => (f, File.ReadAllText(f))));
    }
}
