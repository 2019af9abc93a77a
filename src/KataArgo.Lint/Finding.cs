namespace KataArgo.Lint;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>One problem, printed as <c>file:line: message</c>.</summary>
public sealed record Finding(string File, int Line, Severity Severity, string Message)
{
    public override string ToString() => $"{File}:{Line}: {(Severity == Severity.Warning ? "warning: " : "")}{Message}";

    /// <summary>By file, then line, then errors before warnings.</summary>
    public static IEnumerable<Finding> Sorted(IEnumerable<Finding> findings) => findings.Distinct()
        .OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Severity);
}

/// <summary>
/// What lint found in a file, a directory or a chart: the findings, how many Argo objects were
/// checked, the kinds of the other objects, and the Argo versions every Argo object is valid for.
/// </summary>
public sealed record LintReport(IReadOnlyList<Finding> Findings, int ArgoObjects, IReadOnlyList<string> OtherKinds, IReadOnlyList<ArgoSchema> ValidFor)
{
    public int Errors => Findings.Count(f => f.Severity == Severity.Error);

    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning);

    public static LintReport Combine(IReadOnlyList<LintReport> reports) => new(
        [.. Finding.Sorted(reports.SelectMany(r => r.Findings))],
        reports.Sum(r => r.ArgoObjects),
        [.. reports.SelectMany(r => r.OtherKinds).Distinct()],
        [.. ArgoSchema.All.Where(v => reports.Where(r => r.ArgoObjects > 0).All(r => r.ValidFor.Contains(v)))]);
}
