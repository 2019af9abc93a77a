using System.Text.Json.Nodes;
using KataArgo.Testing;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// A helm on PATH for plan's `helm template` of the target: prints a render of the real
/// kata-deploy chart (../shared/kata-deploy-charts) made by the real Helm 4.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HelmOnPath : IDisposable
{
    private HelmOnPath(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>kata-deploy <paramref name="version"/> rendered by Helm 4 with <paramref name="values"/>, as Helm stores a release's manifest.</summary>
    public static string Render(string version, JsonObject values)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, values.ToJsonString());
            var (exit, stdout, stderr) = RealTools.Run(RealTool.Helm4, "template", "kata-deploy", KataDeployCharts.ChartDirectory(version),
                "-n", "kube-system", "--no-hooks", "-f", file);
            Assert.True(exit == 0, stderr);
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// A helm that prints <paramref name="manifest"/> whatever it is asked, and records its arguments
    /// (<see cref="Argv"/>) and the values file given with -f (<see cref="Values"/>).
    /// </summary>
    public static HelmOnPath Printing(string manifest)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("kata-argo-helm-").FullName;
        File.WriteAllText(Path.Combine(directory, "manifest.yaml"), manifest);
        var script = Path.Combine(directory, "helm");
        File.WriteAllText(script, $"""
            #!/bin/sh
            printf '%s\n' "$@" > '{directory}/argv'
            previous=""
            for a in "$@"; do [ "$previous" = "-f" ] && cp "$a" '{directory}/values.json'; previous=$a; done
            cat '{directory}/manifest.yaml'
            """);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return new HelmOnPath(directory);
    }

    public string[] Argv() => File.ReadAllLines(Path.Combine(Directory, "argv"));

    public string Values() => File.ReadAllText(Path.Combine(Directory, "values.json"));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
