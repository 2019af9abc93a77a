using System.Diagnostics;
using System.Text;
using KataArgo.Lifecycle;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// tests/cases/durations.json through lib.sh's check_value, which every step applies to its
/// duration inputs: the same message as kata-argo and the chart for every value.
/// </summary>
public sealed class DurationCaseTableTests
{
    [Fact]
    public void Check_value_gives_the_table_s_message_for_every_duration()
    {
        var cases = DurationCases.All;

        var bash = CheckValue(cases.Select(c => ($"duration:{(int)WorkflowParameters.Find(c.Parameter)!.MaxDuration!.Value.TotalSeconds}", c.Parameter, c.Value)));

        Assert.All(cases.Zip(bash), pair => Assert.True(pair.First.Error is null ? pair.Second == "" : pair.Second == "error: " + pair.First.Error,
            $"{pair.First}: expected '{pair.First.Error}', lib.sh says '{pair.Second}'"));
    }

    /// <summary>One bash process sources lib.sh and checks every value (NUL-separated in and out).</summary>
    private static string[] CheckValue(IEnumerable<(string Kind, string Name, string Value)> cases)
    {
        var root = Directory.CreateTempSubdirectory("kata-durations-").FullName;
        try
        {
            foreach (var (file, script) in StepScripts.Files)
                File.WriteAllText(Path.Combine(root, file), script);
            var input = new StringBuilder();
            foreach (var (kind, name, value) in cases)
                input.Append(kind).Append('\0').Append(name).Append('\0').Append(value).Append('\0');
            File.WriteAllText(Path.Combine(root, "cases"), input.ToString());
            File.WriteAllText(Path.Combine(root, "check.sh"), """
                source "$1/lib.sh"
                while IFS= read -r -d '' kind && IFS= read -r -d '' name && IFS= read -r -d '' value; do
                  (check_value "$kind" "$name" "$value") 2>&1 || true
                  printf '\0'
                done <"$1/cases"
                """);
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
            start.ArgumentList.Add(Path.Combine(root, "check.sh"));
            start.ArgumentList.Add(root);
            start.Environment["TMPDIR"] = root;
            using var process = Process.Start(start)!;
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return [.. text.Split('\0')[..^1].Select(m => m.TrimEnd('\n'))];
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
