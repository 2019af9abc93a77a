namespace KataArgo.Cli.Tests;

public class RenderCommandTests
{
    [Fact]
    public async Task Render_writes_the_chart_and_check_then_finds_it_up_to_date()
    {
        using var cli = new CliRun();

        var render = await cli.Run("render", "--out", "chart");
        var check = await cli.Run("render", "--out", "chart", "--check");

        Assert.Equal((0, "wrote 10 files to chart\n"), (render.Exit, render.Out));
        Assert.True(File.Exists(cli.Path("chart/templates/workflowtemplate.yaml")));
        Assert.Equal((0, "chart is up to date\n", ""), check);
        Assert.DoesNotContain(cli.Files(), f => f.Contains(".rendering-"));
    }

    [Fact]
    public async Task Check_reports_each_difference_and_exits_1_without_writing()
    {
        using var cli = new CliRun();
        await cli.Run("render", "--out", "chart");
        File.AppendAllText(cli.Path("chart/values.yaml"), "# edited by hand\n");
        File.Delete(cli.Path("chart/README.md"));
        cli.Write("chart/templates/extra.yaml", "kind: ConfigMap\n");
        var before = cli.Files().Select(File.ReadAllText).ToList();

        var (exit, output, error) = await cli.Run("render", "--out", "chart", "--check");

        Assert.Equal(1, exit);
        Assert.Equal("changed: values.yaml\nextra: templates/extra.yaml\nmissing: README.md\n", output);
        Assert.Equal("error: chart differs from what the code renders in 3 files; run `kata-argo render --out chart`\n", error);
        Assert.Equal(before, cli.Files().Select(File.ReadAllText));
    }

    [Fact]
    public async Task Render_replaces_a_stale_chart_whole()
    {
        using var cli = new CliRun();
        cli.Write("chart/templates/stale.yaml", "kind: ConfigMap\n");

        var (exit, _, _) = await cli.Run("render", "--out", "chart");

        Assert.Equal(0, exit);
        Assert.False(File.Exists(cli.Path("chart/templates/stale.yaml")));
        Assert.Equal(0, (await cli.Run("render", "--out", "chart", "--check")).Exit);
    }

    [Fact]
    public async Task Version_and_usage_errors()
    {
        using var cli = new CliRun();

        var version = await cli.Run("--version");
        var unknown = await cli.Run("render", "--bogus");

        Assert.Equal((0, "0.1.0\n"), (version.Exit, version.Out));
        Assert.Equal(2, unknown.Exit);
        Assert.StartsWith("error: ", unknown.Error);
        Assert.Single(unknown.Error.TrimEnd('\n').Split('\n'));
    }
}
