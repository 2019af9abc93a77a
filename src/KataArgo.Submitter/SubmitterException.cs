namespace KataArgo.Submitter;

/// <summary>What went wrong, as the CLI's exit codes distinguish it (../shared/docs/submitter-spec.md).</summary>
public enum FailureKind
{
    /// <summary>The run failed, or the cluster is not in a state the command can work with.</summary>
    Failed,
    /// <summary>A flag, parameter or name is invalid; nothing was sent (or the server rejected it as such).</summary>
    InvalidRequest,
    /// <summary>The server cannot be reached or refuses the credentials.</summary>
    Unreachable,
    /// <summary>The kata-lifecycle-manager WorkflowTemplate is not installed.</summary>
    TemplateMissing,
}

/// <summary>A failure whose message is the one line the user sees.</summary>
public sealed class SubmitterException(FailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public FailureKind Kind { get; } = kind;
}
