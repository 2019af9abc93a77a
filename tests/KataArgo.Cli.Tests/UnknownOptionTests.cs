namespace KataArgo.Cli.Tests;

/// <summary>
/// An option a command does not have is named as an option of that command, exit 2, before
/// anything is read, written or sent, whatever follows it: nothing, a value (which a command with
/// an argument would otherwise take for the argument and blame: lint --x FILE), or =value (issue 11).
/// </summary>
public class UnknownOptionTests
{
    /// <summary>Each command with arguments it would otherwise accept (no cluster is reachable here).</summary>
    private static readonly Dictionary<string, string[]> Commands = new()
    {
        ["render"] = ["render"],
        ["template"] = ["template"],
        ["lint"] = ["lint"],
        ["plan"] = ["plan", "-p", "target-version=3.30.0"],
        ["submit"] = ["submit", "-p", "target-version=3.30.0"],
        ["watch"] = ["watch", "kata-lifecycle-manager-7xk2p"],
        ["status"] = ["status", "kata-lifecycle-manager-7xk2p"],
        ["recover"] = ["recover", "kata-lifecycle-manager-7xk2p"],
    };

    public static TheoryData<string, string> Shapes()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in Commands.Keys)
        {
            foreach (var shape in new[] { "after", "before-a-file", "before-the-arguments", "with-a-value", "short" })
                data.Add(command, shape);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_unknown_option_is_named_for_every_command_whatever_follows_it(string command, string shape)
    {
        using var cli = new CliRun();
        cli.Write("workflow.yaml", "kind: ConfigMap\n");
        var given = Commands[command];
        var (args, option) = shape switch
        {
            "after" => ([.. given, "--x"], "--x"),
            "before-a-file" => ([.. given, "--x", "workflow.yaml"], "--x"),
            "before-the-arguments" => ([given[0], "--x", .. given[1..]], "--x"),
            "with-a-value" => ([.. given, "--x=workflow.yaml"], "--x"),
            "short" => ((string[])[.. given, "-z", "workflow.yaml"], "-z"),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };

        var result = await cli.Run(args);

        Assert.Equal((2, "", $"error: unknown option '{option}' for {command} (see kata-argo --help)\n"), result);
        Assert.Equal([cli.Path("workflow.yaml")], cli.Files());
    }

    [Theory]
    [InlineData("-s", "127.0.0.1:2746")]
    [InlineData("--argo-server", "127.0.0.1:2746")]
    [InlineData("--token", "abc")]
    public async Task Plan_says_why_it_has_no_Argo_server_option(string option, string value)
    {
        using var cli = new CliRun();

        var result = await cli.Run("plan", option, value, "-p", "target-version=3.30.0");

        Assert.Equal((2, "", $"error: unknown option '{option}' for plan; plan reads only the Kubernetes API (kubeconfig), which is why there is no {option} (see kata-argo --help)\n"), result);
    }

    [Fact]
    public async Task Standard_input_for_lint_is_not_an_option()
    {
        using var cli = new CliRun();

        var result = await cli.Run("lint", "-", "--x");

        Assert.Equal((2, "", "error: unknown option '--x' for lint (see kata-argo --help)\n"), result);
    }
}
