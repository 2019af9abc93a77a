namespace KataArgo.Cli;

/// <summary>Where a command writes; tests run the CLI in-process with their own writers.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, string WorkingDirectory, IReadOnlyDictionary<string, string?> Environment)
{
    public static CliConsole System() => new(
        global::System.Console.Out,
        global::System.Console.Error,
        Directory.GetCurrentDirectory(),
        global::System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value));

    /// <summary>The time, and the waits between retries and polls, of commands that talk to a cluster; tests pass a fast fake.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How requests to a cluster are retried; tests shorten the per-attempt timeout.</summary>
    public KataArgo.Submitter.RetryOptions Retry { get; init; } = KataArgo.Submitter.RetryOptions.Default;

    public string? Env(string name) => Environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);
}
