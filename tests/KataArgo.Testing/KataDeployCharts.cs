using System.Diagnostics;
using KataArgo.Testing.Kube;

namespace KataArgo.Testing;

/// <summary>
/// The real kata-deploy charts of ../shared/kata-deploy-charts (read there, never copied into the
/// repository), packaged once per test run by the real <c>helm package</c> and served by one
/// <see cref="ChartRegistry"/> as oci://HOST/kata-containers/kata-deploy-charts/kata-deploy.
/// </summary>
public static class KataDeployCharts
{
    public const string Repository = "kata-containers/kata-deploy-charts/kata-deploy";

    /// <summary>Every release in ../shared/kata-deploy-charts, oldest first.</summary>
    public static IReadOnlyList<string> Versions { get; } = Directory.GetDirectories(Shared)
        .Select(Path.GetFileName).Where(v => File.Exists(Path.Combine(Shared, v!, "kata-deploy", "Chart.yaml")))
        .OrderBy(v => Version.Parse(v!)).ToList()!;

    public static string Shared => Path.GetFullPath(Path.Combine(Repo.Root, "..", "shared", "kata-deploy-charts"));

    public static string ChartDirectory(string version) => Path.Combine(Shared, version, "kata-deploy");

    private static readonly Lazy<Task<ChartRegistry>> Served = new(ServeAsync);

    /// <summary>The shared registry with every version pushed.</summary>
    public static Task<ChartRegistry> RegistryAsync() => Served.Value;

    public static async Task<string> ReferenceAsync() => $"oci://{(await RegistryAsync()).Host}/{Repository}";

    private static async Task<ChartRegistry> ServeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("kata-charts-").FullName;
        var registry = await ChartRegistry.StartAsync(directory);
        foreach (var version in Versions)
        {
            var run = Process.Start(new ProcessStartInfo(RealTools.Require(RealTool.Helm4), ["package", ChartDirectory(version), "-d", directory])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var error = await run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync();
            if (run.ExitCode != 0)
                throw new InvalidOperationException($"helm package of kata-deploy {version} failed: {error}");
            registry.Push(Repository, "kata-deploy", version, File.ReadAllBytes(Path.Combine(directory, $"kata-deploy-{version}.tgz")));
        }
        return registry;
    }

    /// <summary>Consecutive releases, then the whole span: the from → to pairs a rollout meets.</summary>
    public static IEnumerable<(string From, string To)> Pairs() =>
        Versions.Zip(Versions.Skip(1)).Append((Versions[0], Versions[^1]));
}
