namespace KataArgo.Cli.Tests;

/// <summary>
/// An argument a command does not take, a missing required argument, and `help`/`version` typed as
/// commands are named with the command's usage, exit 2, before anything is read or sent (issue 11,
/// item 6 class; before: System.CommandLine's "Unrecognized command or argument" and "Required
/// argument 'NAME' missing for command: 'watch'").
/// </summary>
public class UsageArgumentTests
{
    [Theory]
    [InlineData(new[] { "submit", "extra-arg" }, "unexpected argument 'extra-arg' for submit; usage: kata-argo submit [options]")]
    [InlineData(new[] { "render", "x" }, "unexpected argument 'x' for render; usage: kata-argo render [options]")]
    [InlineData(new[] { "template", "x" }, "unexpected argument 'x' for template; usage: kata-argo template [options]")]
    [InlineData(new[] { "plan", "x" }, "unexpected argument 'x' for plan; usage: kata-argo plan [options]")]
    [InlineData(new[] { "lint", "a.yaml", "b.yaml" }, "unexpected argument 'b.yaml' for lint; usage: kata-argo lint [PATH] [options]")]
    [InlineData(new[] { "watch", "a", "b" }, "unexpected argument 'b' for watch; usage: kata-argo watch NAME [options]")]
    [InlineData(new[] { "watch" }, "watch needs NAME; usage: kata-argo watch NAME [options]")]
    [InlineData(new[] { "recover" }, "recover needs NAME; usage: kata-argo recover NAME [options]")]
    [InlineData(new[] { "help" }, "unknown command 'help'; did you mean --help?")]
    [InlineData(new[] { "version" }, "unknown command 'version'; did you mean --version?")]
    public async Task A_wrong_argument_is_named_with_the_commands_usage(string[] args, string message)
    {
        using var cli = new CliRun();
        cli.Write("a.yaml", "kind: ConfigMap\n");

        var result = await cli.Run(args);

        Assert.Equal((2, "", $"error: {message} (see kata-argo --help)\n"), result);
        Assert.Equal([cli.Path("a.yaml")], cli.Files());
    }
}
