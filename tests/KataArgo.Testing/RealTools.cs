using Xunit;

namespace KataArgo.Testing;

/// <summary>A real binary the tests run: Helm 4.1.4, Helm 3.18.0 or kubectl 1.35.</summary>
public sealed record RealTool(string Name, string Version)
{
    public static readonly RealTool Helm4 = new("helm4", "4.1.4");
    public static readonly RealTool Helm3 = new("helm3", "3.18.0");
    public static readonly RealTool Kubectl = new("kubectl", "1.35");

    /// <summary>Both supported Helm major versions, for theories.</summary>
    public static readonly IReadOnlyList<RealTool> Helms = [Helm4, Helm3];

    /// <summary>Where <c>.ci/install-tools</c> puts it: .tools/bin/NAME in the repository.</summary>
    public string Path => Repo.Path(".tools", "bin", Name);

    public bool Installed => File.Exists(Path);

    public override string ToString() => $"{Name} ({Version})";
}

/// <summary>
/// The one place tests find the real binaries. Under CI (CI set to 1 or true) a missing binary
/// fails the test that needs it; elsewhere such a test is skipped with the reason.
/// </summary>
public static class RealTools
{
    public static bool UnderCi => Environment.GetEnvironmentVariable("CI") is "1" or "true";

    /// <summary>Why tests needing these tools are skipped here, or null when they run.</summary>
    public static string? SkipReason(params RealTool[] tools)
    {
        var missing = tools.Where(t => !t.Installed).ToList();
        if (missing.Count == 0 || UnderCi)
            return null;
        return $"{string.Join(", ", missing)} not installed in .tools/bin; run: bash .ci/install-tools";
    }

    /// <summary>Runs the binary with the arguments (HOME in a fresh directory); its exit code and output.</summary>
    public static (int Exit, string Stdout, string Stderr) Run(RealTool tool, params string[] args) => Run(tool, args, null);

    /// <summary>Runs the binary with the arguments and extra environment (HOME in a fresh directory).</summary>
    public static (int Exit, string Stdout, string Stderr) Run(RealTool tool, string[] args, IReadOnlyDictionary<string, string>? env)
    {
        var home = Directory.CreateTempSubdirectory("kata-tool-home-").FullName;
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(Require(tool))
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in args)
                start.ArgumentList.Add(a);
            start.Environment["HOME"] = home;
            foreach (var (k, v) in env ?? new Dictionary<string, string>())
                start.Environment[k] = v;
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>The binary's path; throws (fails the test) when it is missing.</summary>
    public static string Require(RealTool tool) =>
        tool.Installed ? tool.Path
        : throw new InvalidOperationException($"{tool} is missing at {tool.Path}; run: bash .ci/install-tools");
}

/// <summary>A fact that needs real Helm 3, Helm 4 and kubectl: skipped locally when they are missing, failing under CI.</summary>
public sealed class RealToolsFactAttribute : FactAttribute
{
    public RealToolsFactAttribute() => Skip = RealTools.SkipReason(RealTool.Helm4, RealTool.Helm3, RealTool.Kubectl);
}

/// <summary>A theory that needs real Helm 3, Helm 4 and kubectl: skipped locally when they are missing, failing under CI.</summary>
public sealed class RealToolsTheoryAttribute : TheoryAttribute
{
    public RealToolsTheoryAttribute() => Skip = RealTools.SkipReason(RealTool.Helm4, RealTool.Helm3, RealTool.Kubectl);
}
