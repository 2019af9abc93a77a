namespace KataArgo.Lint;

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
