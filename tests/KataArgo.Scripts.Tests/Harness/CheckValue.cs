using System.Diagnostics;
using System.Text;
using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>lib.sh's check_value over many (kind, name, value) cases; each result "" or its error line.</summary>
internal static class CheckValue
{
    /// <summary>One bash process sources lib.sh and checks every case (NUL-separated in and out).</summary>
    public static string[] Run(IEnumerable<(string Kind, string Name, string Value)> cases)
    {
        var root = Directory.CreateTempSubdirectory("kata-check-value-").FullName;
        try
        {
            // The steps folder as the ConfigMap mounts it (lib.sh sources rollout.sh and kata-deploy.sh beside it).
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
