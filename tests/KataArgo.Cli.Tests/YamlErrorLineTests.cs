namespace KataArgo.Cli.Tests;

/// <summary>
/// A file the user gives with a bracket never closed is reported at that bracket's line (and column),
/// by every command that reads YAML: not at the end of the file, not at line 1 (issue 11).
/// </summary>
public class YamlErrorLineTests
{
    private const string UnclosedList = "defaults:\n  helmRelease: kata-deploy\n\nnodes: [\n";
    private const string UnclosedMap = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x\nspec: {}\n";

    [Fact]
    public async Task Lint_reports_the_line_of_the_unclosed_bracket()
    {
        using var cli = new CliRun();
        cli.Write("list.yaml", UnclosedList);
        cli.Write("map.yaml", UnclosedMap);

        var list = await cli.Run("lint", "list.yaml");
        var map = await cli.Run("lint", "map.yaml");

        Assert.Equal((1, "list.yaml:4: not valid YAML: '[' is not closed: no matching ']' follows\n"), (list.Exit, list.Out));
        Assert.Equal((1, "map.yaml:3: not valid YAML: '{' is not closed: no matching '}' follows\n"), (map.Exit, map.Out));
    }

    [Fact]
    public async Task Template_names_the_values_file_with_line_and_column()
    {
        using var cli = new CliRun();
        cli.Write("values.yaml", UnclosedList);

        var (exit, output, error) = await cli.Run("template", "-f", "values.yaml");

        Assert.Equal((2, "", "error: values file values.yaml: not valid YAML: line 4, column 8: '[' is not closed: no matching ']' follows\n"), (exit, output, error));
    }
}
