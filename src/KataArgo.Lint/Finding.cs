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
