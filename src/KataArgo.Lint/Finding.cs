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
}
