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

        if (args.Length == 0)
            args = ["--help"];
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 || UnknownOption(root, parsed) is not null)
        {
            console.Error.WriteLine($"error: {UsageError(root, parsed)} (see kata-argo --help)");
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

    /// <summary>An unknown command is named with the closest one, as kubectl and argo do; an unknown option is named as one; else the parser's first error.</summary>
    private static string UsageError(RootCommand root, ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (UnknownOption(root, parsed) is { } option)
            return $"unknown option '{option}' for {command.Name}{ClusterOptions.WhyNotHere(command, option)}";
        if (command == root
            && parsed.Tokens.FirstOrDefault(t => t.Type == System.CommandLine.Parsing.TokenType.Argument) is { } token)
        {
            if (token.Value.StartsWith('-'))
                return $"unknown option '{token.Value}'";
            var names = root.Subcommands.Select(c => c.Name).ToList();
            var closest = names.Select(n => (Name: n, Distance: CommandNames.Distance(token.Value, n)))
                .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3) || c.Name.StartsWith(token.Value, StringComparison.Ordinal))
                .OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
            if (token.Value is "help" or "version")
                return $"unknown command '{token.Value}'; did you mean --{token.Value}?";
            return closest is null
                ? $"unknown command '{token.Value}'; the commands are {string.Join(", ", names)}"
                : $"unknown command '{token.Value}'; did you mean {closest}?";
        }
        if (command != root && parsed.UnmatchedTokens.FirstOrDefault() is { } extra)
            return $"unexpected argument '{extra}' for {command.Name}; usage: {Usage(command)}";
        if (command != root && command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0
                && parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().All(r => r.Argument != a || r.Tokens.Count == 0)) is { } missing)
            return $"{command.Name} needs {missing.Name}; usage: {Usage(command)}";
        return parsed.Errors[0].Message;
    }

    /// <summary>A command's synopsis: <c>kata-argo watch NAME [options]</c>.</summary>
    private static string Usage(Command command) =>
        string.Join(" ", new[] { "kata-argo", command.Name }
            .Concat(command.Arguments.Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{a.Name}]" : a.Arity.MaximumNumberOfValues > 1 ? $"{a.Name}..." : a.Name))
            .Append("[options]"));

    /// <summary>
    /// The first token of a subcommand that looks like an option and is none of its options
    /// (<c>-</c> alone is standard input). The parser leaves it unmatched, or, when the command
    /// takes an argument, gives it to that argument (<c>lint --x FILE</c> would read <c>--x</c> as
    /// the path and blame FILE); both are named here as the option, <c>--x=V</c> as <c>--x</c>.
    /// </summary>
    private static string? UnknownOption(RootCommand root, ParseResult parsed)
    {
        var command = parsed.CommandResult;
        if (command.Command == root)
            return null;
        var suspects = command.Children.OfType<System.CommandLine.Parsing.ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value)
            .Concat(parsed.UnmatchedTokens)
            .Where(t => t.Length > 1 && t.StartsWith('-'))
            .ToHashSet(StringComparer.Ordinal);
        return parsed.Tokens.Select(t => t.Value).FirstOrDefault(suspects.Contains) is { } token
            ? token.Split('=', 2)[0]
            : null;
    }

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

/// <summary>Edit distance between command names, for "did you mean".</summary>
internal static class CommandNames
{
    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
