using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle.Tests;

/// <summary>The step files as the steps ConfigMap ships them, and the facts C# and lib.sh share.</summary>
public class StepScriptsTests
{
    public static IEnumerable<object[]> Steps() => StepScripts.Steps.Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_step_sources_the_library_beside_it_before_anything_else(string step)
    {
        var commands = StepScripts.Read(step).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal("source \"${BASH_SOURCE[0]%/*}/lib.sh\"", commands[0]);
    }

    [Fact]
    public void The_repository_folder_holds_exactly_the_embedded_files()
    {
        var folder = Path.Combine(RepositoryRoot(), "templates", "steps");
        Assert.Equal(Directory.GetFiles(folder, "*.sh").Concat(Directory.GetFiles(folder, "*.json")).Select(Path.GetFileName).Order(StringComparer.Ordinal),
            StepScripts.Files.Keys);
    }

    [Fact]
    public void Lib_sh_computes_the_digest_the_template_names()
    {
        var folder = Directory.CreateTempSubdirectory("kata-steps-").FullName;
        try
        {
            foreach (var (file, text) in StepScripts.Files)
                File.WriteAllText(Path.Combine(folder, file), text);
            var digest = Bash($"source {Quote(Path.Combine(folder, "lib.sh"))}; steps_digest");
            Assert.Equal(StepScripts.Digest, digest.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Lib_sh_and_csharp_name_the_same_phases_and_phase_deadlines()
    {
        var library = StepScripts.Read(StepScripts.Library);
        Assert.Equal($"readonly -a NODE_PHASES=({string.Join(' ', StepScripts.NodePhases)})",
            library.Split('\n').Single(l => l.StartsWith("readonly -a NODE_PHASES=", StringComparison.Ordinal)));
        Assert.Equal(((int)StepScripts.PhaseApiDeadline.TotalSeconds).ToString(), Value(library, "PHASE_API_SECONDS"));
        Assert.Equal(((int)StepScripts.PhaseMargin.TotalSeconds).ToString(), Value(library, "PHASE_MARGIN_SECONDS"));
    }

    [Fact]
    public void Lib_sh_and_csharp_size_a_run_alike()
    {
        var library = StepScripts.Read(StepScripts.Library);
        Assert.Equal(NodeLoop.NamedMaxNodes.ToString(), Value(library, "NAMED_LOOP_MAX_NODES"));
        Assert.Equal(NodeLoop.MaxPlannedNodes.ToString(), Value(library, "MAX_PLANNED_NODES"));
        Assert.Equal(NodeLoop.MaxPlanBytes.ToString(), Value(library, "MAX_PLAN_BYTES"));
    }

    private static string Value(string library, string name) =>
        Regex.Match(library, $@"\b{name}=([0-9]+)\b") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no {name} in lib.sh");

    private static string Bash(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["TMPDIR"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KataArgo.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("KataArgo.sln not found above the test binaries");
    }
}
