using KataArgo.Testing;

namespace KataArgo.Cli.Tests;

public class LintCommandTests
{
    [Fact]
    public async Task The_committed_chart_and_its_template_output_lint_clean()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        var manifests = (await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml")).Out;
        cli.Write("manifests.yaml", manifests);

        var chart = await cli.Run("lint", Repo.Path("charts", "kata-lifecycle-manager"));
        var file = await cli.Run("lint", "manifests.yaml");

        Assert.Equal(0, chart.Exit);
        Assert.EndsWith("valid for Argo v4.1.2 and v3.7.18\n", chart.Out);
        Assert.Equal((0, "manifests.yaml: valid for Argo v4.1.2 and v3.7.18\n"), (file.Exit, file.Out));
    }

    [Fact]
    public async Task Problems_are_listed_as_file_line_message_and_exit_1()
    {
        using var cli = new CliRun();
        cli.Write("pod.yaml", Samples.CudaVerificationPod);
        var manifests = (await cli.Run("template", "--set-file", "defaults.verificationPod=pod.yaml")).Out;
        cli.Write("broken.yaml", manifests.Replace("failFast: true", "failfast: true").Replace("template: finish", "template: finsh"));

        var (exit, output, error) = await cli.Run("lint", "broken.yaml");

        Assert.Equal(1, exit);
        Assert.Matches(@"(?m)^broken\.yaml:[0-9]+: unknown field 'spec\.templates\[0\]\.failfast'", output);
        Assert.Matches(@"(?m)^broken\.yaml:[0-9]+: step refers to template 'finsh', which does not exist$", output);
        Assert.Equal("error: broken.yaml: 2 problems, 0 warnings\n", error);
    }

    [Fact]
    public async Task A_missing_path_is_a_usage_error()
    {
        using var cli = new CliRun();

        var (exit, _, error) = await cli.Run("lint", "nowhere");

        Assert.Equal((2, "error: lint: 'nowhere' is neither a chart directory nor a file\n"), (exit, error));
    }
}
