using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using YamlDotNet.Core;

namespace KataArgo.Lint;

/// <summary>
/// Lints YAML (or JSON) manifests: every Workflow, WorkflowTemplate, ClusterWorkflowTemplate and
/// CronWorkflow against the schema of each supported Argo version and the reference checks; other
/// kinds are counted and left alone.
/// </summary>
public static class ManifestLinter
{
    public const string NoArgoObject = "no Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow found";

    private static readonly HashSet<string> ArgoKinds = ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];

    /// <summary>Findings for every supported version, plus a warning when there is no Argo object.</summary>
    public static List<Finding> Lint(string file, string yaml, Func<int, int>? lineOf = null)
    {
        var report = Check(file, yaml, ArgoVersionRequirement.All, lineOf);
        var findings = report.Findings.ToList();
        if (report.ArgoObjects == 0 && report.Errors == 0)
            findings.Add(new Finding(file, 1, Severity.Warning, NoArgoObject));
        return findings;
    }

    /// <param name="lineOf">Maps a line of <paramref name="yaml"/> to the line reported (for rendered templates).</param>
    public static LintReport Check(string file, string yaml, ArgoVersionRequirement versions, Func<int, int>? lineOf = null)
    {
        var findings = new List<Finding>();
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = ArgoYaml.LoadAll(yaml);
        }
        catch (YamlException e)
        {
            // A rendered template's column is not the template file's.
            var column = e.Start.Line > 0 && lineOf is null ? $" at column {e.Start.Column}" : "";
            findings.Add(new Finding(file, Map((int)e.Start.Line), Severity.Error, $"not valid YAML{column}: {YamlErrorLocation.Words(e)}"));
            return new LintReport(findings, 0, [], []);
        }
        var argoObjects = 0;
        var otherKinds = new List<string>();
        IEnumerable<ArgoSchema> validFor = ArgoSchema.All;
        foreach (var document in documents)
        {
            if (document.Root is not JsonObject root || root["apiVersion"]?.ToString()?.StartsWith("argoproj.io/", StringComparison.Ordinal) != true
                || !ArgoKinds.Contains(root["kind"]?.ToString() ?? ""))
            {
                otherKinds.Add(document.Root is JsonObject other && other["kind"]?.ToString() is { Length: > 0 } kind ? kind : "a document without kind");
                continue;
            }
            argoObjects++;
            validFor = validFor.Intersect(LintObject(root, versions, (pointer, severity, message) =>
                findings.Add(new Finding(file, Map(document.LineOf(pointer)), severity, message))));
        }
        return new LintReport([.. Finding.Sorted(findings)], argoObjects, [.. otherKinds.Distinct()], argoObjects > 0 ? [.. validFor] : []);

        int Map(int line) => lineOf?.Invoke(line) ?? line;
    }

    /// <summary>
    /// Lints one Argo object; returns the versions it is valid for. A problem every version shares
    /// is reported once, naming the versions; a problem of a version not required is a warning
    /// (when any version will do and another accepts the object) or is not reported.
    /// </summary>
    public static IReadOnlyList<ArgoSchema> LintObject(JsonObject root, ArgoVersionRequirement versions, Action<string, Severity, string> report)
    {
        var references = new List<(string Pointer, Severity Severity, string Message)>();
        ReferenceChecker.Check(root, (pointer, severity, message) => references.Add((pointer, severity, message)));
        var bySchema = ArgoSchema.All.ToDictionary(schema => schema, schema => schema.Validate(root));
        var referenceErrors = references.Any(r => r.Severity == Severity.Error);
        var valid = ArgoSchema.All.Where(s => bySchema[s].Count == 0 && !referenceErrors).ToList();
        var clean = ArgoSchema.All.Where(s => bySchema[s].Count == 0).ToList();
        foreach (var group in bySchema.SelectMany(p => p.Value.Select(v => (v.Pointer, v.Message, Schema: p.Key))).GroupBy(f => (f.Pointer, f.Message)))
        {
            var schemas = group.Select(g => g.Schema).ToList();
            var message = $"{group.Key.Message} (Argo {string.Join(" and ", schemas)} schema)";
            if (schemas.Any(versions.Versions.Contains) && !(versions.AnyOne && clean.Count > 0))
                report(group.Key.Pointer, Severity.Error, message);
            else if (versions.AnyOne)
                report(group.Key.Pointer, Severity.Warning, message);
        }
        foreach (var (pointer, severity, message) in references)
            report(pointer, severity, message);
        return valid;
    }
}
