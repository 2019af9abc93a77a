using System.CommandLine;
using KataArgo.Cli.Commands;

namespace KataArgo.Cli;

public static class KataArgoCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var verbose = new Option<bool>("--verbose") { Description = "print details and stack traces of failures", Recursive = true };
        var root = new RootCommand("kata-argo: upgrade Kata Containers node by node with Argo Workflows") { verbose };
        foreach (var command in Commands(console))
            root.Subcommands.Add(command);
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(console);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see kata-argo --help)");
            return ExitCodes.Usage;
        }
        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (CliException e)
        {
            Report(console, e, parsed.GetValue(verbose));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("error: interrupted");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            Report(console, e, parsed.GetValue(verbose));
            return ExitCodes.Failed;
        }
    }

    private static IEnumerable<Command> Commands(CliConsole console) =>
    [
        RenderCommand.Create(console),
        TemplateCommand.Create(console),
        LintCommand.Create(console),
        PlanCommand.Create(console),
        SubmitCommand.Create(console),
        WatchCommand.Create(console),
        StatusCommand.Create(console),
        RecoverCommand.Create(console),
    ];

    private static void Report(CliConsole console, Exception e, bool verbose)
    {
        console.Error.WriteLine("error: " + e.Message.ReplaceLineEndings(" "));
        if (verbose)
            console.Error.WriteLine(e);
    }
}

/// <summary>--version prints this tool's version, also when hosted in-process (tests).</summary>
internal sealed class PrintVersion(CliConsole console) : System.CommandLine.Invocation.SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(PrintVersion).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

    public override int Invoke(ParseResult parseResult)
    {
        console.Out.WriteLine(Version);
        return ExitCodes.Success;
    }
}
