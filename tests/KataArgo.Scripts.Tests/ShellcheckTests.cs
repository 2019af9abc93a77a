using System.Diagnostics;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests;

/// <summary>shellcheck on lib.sh, on every step file (following its `source` of lib.sh), and on the doubles.</summary>
public sealed class ShellcheckTests
{
    public static TheoryData<string> Sources() => new([.. StepScripts.Libraries, .. StepScripts.Steps, "doubles/kubectl", "doubles/helm", "doubles/lib/double.sh"]);

    [ShellcheckTheory]
    [MemberData(nameof(Sources))]
    public void Is_clean(string source)
    {
        var directory = Directory.CreateTempSubdirectory("kata-shellcheck-").FullName;
        try
        {
            string file;
            if (source.StartsWith("doubles/", StringComparison.Ordinal))
            {
                file = Path.Combine(AppContext.BaseDirectory, source);
            }
            else
            {
                // The steps folder as the ConfigMap mounts it, so `source lib.sh` is followed.
                foreach (var (name, text) in StepScripts.Files)
                    File.WriteAllText(Path.Combine(directory, name), text);
                file = Path.Combine(directory, source);
            }
            var start = new ProcessStartInfo("shellcheck") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-s", "bash", "-x", file })
                start.ArgumentList.Add(argument);
            start.WorkingDirectory = Path.GetDirectoryName(file)!;
            using var process = Process.Start(start)!;
            var report = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"shellcheck {source}:\n{report}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Skips when shellcheck is missing locally; under CI (env CI set) a missing shellcheck fails instead.</summary>
public sealed class ShellcheckTheoryAttribute : TheoryAttribute
{
    public ShellcheckTheoryAttribute()
    {
        if (!OnPath("shellcheck") && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Skip = "shellcheck is not installed (apt-get install shellcheck); CI fails without it";
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));
}
