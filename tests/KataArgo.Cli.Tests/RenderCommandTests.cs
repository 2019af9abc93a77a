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
        Assert.Equal("error: chart differs from what the code renders in 3 files; render will not write it (it holds templates/extra.yaml): " +
            "move what is not the chart's away, then run `kata-argo render --out chart`\n", error);
        Assert.Equal(before, cli.Files().Select(File.ReadAllText));
    }

    [Fact]
    public async Task Render_refuses_a_directory_that_holds_anything_but_this_chart_and_touches_nothing()
    {
        using var cli = new CliRun();
        cli.Write("victim/notes.txt", "x\n");
        Directory.CreateDirectory(cli.Path("victim/sub"));

        var (exit, output, error) = await cli.Run("render", "--out", "victim");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal("error: render --out victim: the directory is not empty and is not the kata-lifecycle-manager chart (it holds notes.txt, sub/); " +
            "give a new or empty directory, or the chart's own\n", error);
        Assert.Equal("x\n", File.ReadAllText(cli.Path("victim/notes.txt")));
        Assert.True(Directory.Exists(cli.Path("victim/sub")));
        Assert.Equal([cli.Path("victim/notes.txt")], cli.Files());
    }

    [Fact]
    public async Task Render_into_the_working_directory_refuses_when_it_holds_other_files()
    {
        using var cli = new CliRun();
        cli.Write("work.md", "mine\n");

        var (exit, _, error) = await cli.Run("render", "--out", ".");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: render --out .: the directory is not empty and is not the kata-lifecycle-manager chart (it holds work.md)", error);
        Assert.Equal([cli.Path("work.md")], cli.Files());
    }

    [Fact]
    public async Task Render_refuses_a_chart_directory_that_also_holds_files_it_does_not_write()
    {
        using var cli = new CliRun();
        await cli.Run("render", "--out", "chart");
        cli.Write("chart/templates/mine.yaml", "kind: ConfigMap\n");
        File.AppendAllText(cli.Path("chart/values.yaml"), "# edited\n");
        var before = cli.Files().Select(f => (f, File.ReadAllText(f))).ToList();

        var (exit, _, error) = await cli.Run("render", "--out", "chart");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: render --out chart: the directory is not empty and is not the kata-lifecycle-manager chart (it holds templates/mine.yaml)", error);
        Assert.Equal(before, cli.Files().Select(f => (f, File.ReadAllText(f))));
    }

    [Fact]
    public async Task Render_refuses_a_directory_whose_Chart_yaml_names_another_chart()
    {
        using var cli = new CliRun();
        await cli.Run("render", "--out", "chart");
        File.WriteAllText(cli.Path("chart/Chart.yaml"), "apiVersion: v2\nname: my-app\nversion: 1.0.0\n");

        var (exit, _, error) = await cli.Run("render", "--out", "chart");

        Assert.Equal(2, exit);
        Assert.StartsWith("error: render --out chart: the directory is not empty and is not the kata-lifecycle-manager chart (its Chart.yaml names my-app)", error);
        Assert.Contains("name: my-app", File.ReadAllText(cli.Path("chart/Chart.yaml")));
    }

    [Fact]
    public async Task Render_rewrites_its_own_chart_with_edited_and_missing_files_and_an_empty_directory()
    {
        using var cli = new CliRun();
        await cli.Run("render", "--out", "chart");
        File.AppendAllText(cli.Path("chart/values.yaml"), "# edited\n");
        File.Delete(cli.Path("chart/README.md"));
        Directory.CreateDirectory(cli.Path("empty"));

        var own = await cli.Run("render", "--out", "chart");
        var empty = await cli.Run("render", "--out", "empty");

        Assert.Equal((0, 0), (own.Exit, empty.Exit));
        Assert.Equal(0, (await cli.Run("render", "--out", "chart", "--check")).Exit);
        Assert.Equal(0, (await cli.Run("render", "--out", "empty", "--check")).Exit);
        Assert.DoesNotContain(cli.Files(), f => f.Contains(".rendering-") || f.Contains(".kata-argo-"));
    }

    [Theory]
    [InlineData("chart/")]
    [InlineData("chart//")]
    [InlineData("./chart/")]
    public async Task Render_and_check_accept_a_trailing_slash(string output)
    {
        using var cli = new CliRun();

        var render = await cli.Run("render", "--out", output);
        var again = await cli.Run("render", "--out", output);
        var check = await cli.Run("render", "--out", output, "--check");

        Assert.Equal((0, 0, 0), (render.Exit, again.Exit, check.Exit));
        Assert.True(File.Exists(cli.Path("chart/Chart.yaml")));
    }

    [Fact]
    public async Task Check_of_one_edited_file_says_one_file_and_the_command_that_mends_it()
    {
        using var cli = new CliRun();
        await cli.Run("render", "--out", "chart");
        File.AppendAllText(cli.Path("chart/values.yaml"), "# edited by hand\n");

        var (exit, _, error) = await cli.Run("render", "--out", "chart", "--check");
        var mend = await cli.Run("render", "--out", "chart");

        Assert.Equal((1, "error: chart differs from what the code renders in 1 file; run `kata-argo render --out chart`\n"), (exit, error));
        Assert.Equal(0, mend.Exit);
    }

    [Fact]
    public async Task Render_refuses_a_path_under_a_file_and_writes_nothing()
    {
        using var cli = new CliRun();
        cli.Write("victim/notes.txt", "x\n");

        var render = await cli.Run("render", "--out", "victim/notes.txt/sub");

        Assert.Equal((2, $"error: render --out victim/notes.txt/sub: {cli.Path("victim/notes.txt")} is a file, not a directory; give a path under a directory\n"),
            (render.Exit, render.Error));
        Assert.Equal("x\n", File.ReadAllText(cli.Path("victim/notes.txt")));
    }

    [Fact]
    public async Task Render_to_a_directory_that_cannot_be_written_is_one_line_with_exit_2()
    {
        using var cli = new CliRun();

        var render = await cli.Run("render", "--out", "/proc/kata-argo-render-test");

        Assert.Equal(2, render.Exit);
        Assert.StartsWith("error: render --out /proc/kata-argo-render-test: cannot be written (", render.Error);
        Assert.EndsWith("); give a directory you can write\n", render.Error);
        Assert.Single(render.Error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("render --frobnicate", "unknown option '--frobnicate' for render")]
    [InlineData("template --frobnicate", "unknown option '--frobnicate' for template")]
    public async Task An_unknown_option_is_named_as_an_option_of_its_command(string args, string expected)
    {
        using var cli = new CliRun();

        var (exit, output, error) = await cli.Run(args.Split(' '));

        Assert.Equal((2, "", $"error: {expected} (see kata-argo --help)\n"), (exit, output, error));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task Render_refuses_a_file_as_the_output_directory()
    {
        using var cli = new CliRun();
        cli.Write("chart", "a file\n");

        var render = await cli.Run("render", "--out", "chart");
        var check = await cli.Run("render", "--out", "chart", "--check");

        Assert.Equal((2, "error: render --out chart: is a file; give a directory\n"), (render.Exit, render.Error));
        Assert.Equal((2, "error: render --out chart: is a file; give a directory\n"), (check.Exit, check.Error));
        Assert.Equal("a file\n", File.ReadAllText(cli.Path("chart")));
    }

    [Fact]
    public async Task Render_creates_missing_parent_directories()
    {
        using var cli = new CliRun();

        var (exit, output, _) = await cli.Run("render", "--out", "a/b/chart");

        Assert.Equal((0, "wrote 10 files to a/b/chart\n"), (exit, output));
        Assert.True(File.Exists(cli.Path("a/b/chart/Chart.yaml")));
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
