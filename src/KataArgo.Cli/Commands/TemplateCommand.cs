using System.CommandLine;
using KataArgo.Chart;

namespace KataArgo.Cli.Commands;

/// <summary>`template [-f values.yaml] [--set k=v] [--set-file k=FILE] [-n NS]`: the plain manifests.</summary>
internal static class TemplateCommand
{
    public static Command Create(CliConsole console)
    {
        var values = new Option<string[]>("--values", "-f") { Description = "values file (repeatable; later files win)", AllowMultipleArgumentsPerToken = false };
        var set = new Option<string[]>("--set") { Description = "set values: key=value[,key=value] (Helm syntax; true/false and numbers are typed)" };
        var setString = new Option<string[]>("--set-string") { Description = "set string values: key=value[,key=value]" };
        var setFile = new Option<string[]>("--set-file") { Description = "set a value from a file: key=FILE, e.g. defaults.verificationPod=pod.yaml" };
        var ns = new Option<string?>("--namespace", "-n") { Description = "namespace of the WorkflowTemplate and its ServiceAccount (argoNamespace)" };
        var command = new Command("template", "print the manifests `helm template` would produce, for kubectl and GitOps")
        {
            values, set, setString, setFile, ns,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(ns) is { } namespaceName && !Lifecycle.ParameterRules.IsDnsLabel(namespaceName))
                throw new UsageException($"-n '{Lifecycle.ParameterRules.Show(namespaceName)}' is not a namespace name; use lowercase letters, digits and '-' (at most 63)");
            var sources = new ChartValuesLoader.Sources
            {
                Files = [.. (parsed.GetValue(values) ?? []).Select(f => (f, CliPaths.ReadFile(console, f, "-f " + f)))],
                Set = [.. parsed.GetValue(set) ?? [], .. parsed.GetValue(ns) is { } n ? [$"argoNamespace={n}"] : Array.Empty<string>()],
                SetString = parsed.GetValue(setString) ?? [],
                SetFile = [.. (parsed.GetValue(setFile) ?? []).Select(a => SetFileSource(console, a))],
            };
            string manifests;
            try
            {
                manifests = ManifestRenderer.Render(ChartValuesLoader.Load(sources));
            }
            catch (ChartValuesException e)
            {
                throw new UsageException(e.Message);
            }
            console.Out.Write(manifests);
            return ExitCodes.Success;
        });
        return command;
    }

    private static (string Key, string Content) SetFileSource(CliConsole console, string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0 || equals == assignment.Length - 1)
            throw new UsageException($"--set-file '{assignment}': expected key=FILE, e.g. --set-file defaults.verificationPod=pod.yaml");
        return (assignment[..equals], CliPaths.ReadFile(console, assignment[(equals + 1)..], "--set-file " + assignment));
    }
}
