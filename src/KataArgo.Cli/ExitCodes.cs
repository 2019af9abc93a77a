namespace KataArgo.Cli;

/// <summary>The exit codes of ../shared/docs/submitter-spec.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The workflow failed, or `render --check` / `lint` found differences or problems.</summary>
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int TemplateMissing = 4;
}

/// <summary>A failure with its exit code; the message is the one line printed on stderr.</summary>
public class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

public sealed class UsageException(string message) : CliException(ExitCodes.Usage, message);
