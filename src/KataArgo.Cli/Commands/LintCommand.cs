using System.CommandLine;
using KataArgo.Lint;

namespace KataArgo.Cli.Commands;

/// <summary>`lint [PATH]`: a chart directory, a WorkflowTemplate/Workflow YAML file, or - for stdin.</summary>
internal static class LintCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH")
        {
            Description = "chart directory, YAML file, or - for standard input",
            DefaultValueFactory = _ => KataArgo.Chart.ChartMetadata.DefaultDirectory,
        };
        var command = new Command("lint", "validate against Argo's schemas (v4.1.2 and v3.7.18) and check every reference") { path };
        command.SetAction(parsed =>
        {
            var target = parsed.GetValue(path)!;
            var findings = Lint(console, target);
            foreach (var finding in findings)
                console.Out.WriteLine(finding);
            var errors = findings.Count(f => f.Severity == Severity.Error);
            var warnings = findings.Count - errors;
            if (errors > 0)
            {
                console.Error.WriteLine($"error: {target}: {errors} problems, {warnings} warnings");
                return ExitCodes.Failed;
            }
            console.Out.WriteLine($"{target}: valid for Argo {string.Join(" and ", ArgoSchema.Versions)}{(warnings > 0 ? $" ({warnings} warnings)" : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<Finding> Lint(CliConsole console, string target)
    {
        if (target == "-")
            return ManifestLinter.Lint("<stdin>", Console.In.ReadToEnd());
        var full = console.Resolve(target);
        if (Directory.Exists(full))
            return ChartLinter.Lint(full);
        if (File.Exists(full))
            return ManifestLinter.Lint(target, File.ReadAllText(full));
        throw new UsageException($"lint: '{target}' is neither a chart directory nor a file");
    }
}
