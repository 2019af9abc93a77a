using System.CommandLine;
using KataArgo.Lint;

namespace KataArgo.Cli.Commands;

/// <summary>
/// `lint [PATH] [--argo-version V]`: a chart directory, a directory of workflow files, a YAML or
/// JSON file, or - for standard input. Findings go to stdout sorted by file and line; the verdict
/// names the Argo versions the input is valid for.
/// </summary>
internal static class LintCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("PATH")
        {
            Description = "chart directory, directory of workflow files, YAML or JSON file, or - for standard input",
            DefaultValueFactory = _ => KataArgo.Chart.ChartMetadata.DefaultDirectory,
        };
        var version = new Option<string?>("--argo-version")
        {
            Description = $"the Argo version(s) the input must be valid for: {ArgoVersionRequirement.AcceptedForms} "
                + "(default: all for a chart, any for workflow files)",
        };
        var command = new Command("lint", "validate against Argo's schemas (v4.1.2 and v3.7.18) and check every reference") { path, version };
        command.SetAction(parsed =>
        {
            var target = parsed.GetValue(path)!;
            var requirement = Requirement(parsed.GetValue(version));
            var report = Lint(console, target, requirement);
            foreach (var finding in report.Findings)
                console.Out.WriteLine(finding);
            if (report.Errors > 0)
            {
                console.Error.WriteLine($"error: {target}: {Count(report.Errors, "problem")}, {Count(report.Warnings, "warning")}");
                return ExitCodes.Failed;
            }
            if (report.ArgoObjects == 0)
            {
                var held = report.OtherKinds.Count > 0 ? $" (it holds {string.Join(", ", report.OtherKinds)})" : "";
                console.Error.WriteLine($"error: {target}: {ManifestLinter.NoArgoObject}{held}");
                return ExitCodes.Failed;
            }
            console.Out.WriteLine($"{target}: {Verdict(report)}{(report.Warnings > 0 ? $" ({Count(report.Warnings, "warning")})" : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static ArgoVersionRequirement? Requirement(string? text)
    {
        try
        {
            return text is null ? null : ArgoVersionRequirement.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"lint --argo-version: {e.Message}");
        }
    }

    private static LintReport Lint(CliConsole console, string target, ArgoVersionRequirement? requirement)
    {
        if (target == "-")
            return ManifestLinter.Check("<stdin>", Console.In.ReadToEnd(), requirement ?? ArgoVersionRequirement.Any);
        var full = console.Resolve(target);
        if (Directory.Exists(full))
            return DirectoryLinter.IsChart(full)
                ? ChartLinter.Check(full, requirement ?? ArgoVersionRequirement.All)
                : DirectoryLinter.Check(full, target, requirement ?? ArgoVersionRequirement.Any);
        if (File.Exists(full))
            return ManifestLinter.Check(target, File.ReadAllText(full), requirement ?? ArgoVersionRequirement.Any);
        throw new UsageException($"lint: '{target}' is neither a chart directory, a directory of workflow files nor a file");
    }

    /// <summary>"valid for Argo v4.1.2 and v3.7.18", or "valid for Argo v4.1.2 (not v3.7.18)".</summary>
    private static string Verdict(LintReport report)
    {
        var valid = string.Join(" and ", report.ValidFor);
        var invalid = ArgoSchema.All.Except(report.ValidFor).ToList();
        return invalid.Count == 0 ? $"valid for Argo {valid}"
            : $"valid for Argo {valid} (not {string.Join(" or ", invalid)})";
    }

    private static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
