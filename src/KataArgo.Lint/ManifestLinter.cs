using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using YamlDotNet.Core;

namespace KataArgo.Lint;

/// <summary>Lints YAML manifests: Argo objects against both schemas and the reference checks; other kinds pass through.</summary>
public static class ManifestLinter
{
    private static readonly HashSet<string> ArgoKinds = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];

    /// <param name="lineOf">Maps a line of <paramref name="yaml"/> to the line reported (for rendered templates).</param>
    public static List<Finding> Lint(string file, string yaml, Func<int, int>? lineOf = null)
    {
        var findings = new List<Finding>();
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = ArgoYaml.LoadAll(yaml);
        }
        catch (YamlException e)
        {
            findings.Add(new Finding(file, Map((int)e.Start.Line), Severity.Error, $"not valid YAML: {e.Message}"));
            return findings;
        }
        var argoObjects = 0;
        foreach (var document in documents)
        {
            if (document.Root is not JsonObject root || root["apiVersion"]?.ToString()?.StartsWith("argoproj.io/", StringComparison.Ordinal) != true)
                continue;
            if (!ArgoKinds.Contains(root["kind"]?.ToString() ?? ""))
                continue;
            argoObjects++;
            LintObject(root, (pointer, severity, message) =>
                findings.Add(new Finding(file, Map(document.LineOf(pointer)), severity, message)));
        }
        if (argoObjects == 0)
            findings.Add(new Finding(file, 1, Severity.Warning, "no Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow found"));
        return findings.Distinct().ToList();

        int Map(int line) => lineOf?.Invoke(line) ?? line;
    }

    /// <summary>Schema findings are merged when both versions agree, so each problem is reported once.</summary>
    public static void LintObject(JsonObject root, Action<string, Severity, string> report)
    {
        var bySchema = ArgoSchema.All()
            .SelectMany(schema => schema.Validate(root).Select(f => (f.Pointer, f.Message, schema.Version)))
            .GroupBy(f => (f.Pointer, Message: f.Message[..f.Message.LastIndexOf(" (Argo ", StringComparison.Ordinal)]));
        foreach (var group in bySchema)
        {
            var versions = string.Join(" and ", group.Select(f => f.Version));
            report(group.Key.Pointer, Severity.Error, $"{group.Key.Message} (Argo {versions} schema)");
        }
        ReferenceChecker.Check(root, report);
    }
}
