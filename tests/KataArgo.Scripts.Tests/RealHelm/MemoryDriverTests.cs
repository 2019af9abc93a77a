using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Helm's memory storage driver (HELM_DRIVER=memory, HELM_MEMORY_DRIVER_DATA: a YAML list of
/// releases, pkg/cmd/root.go loadReleasesInMemory) answers the read forms the steps use exactly as
/// the Secret driver does, for a release the real Helm installed and upgraded from the real charts.
/// It is used only for reads: it swaps Helm's Kubernetes client for a printing fake, so an upgrade
/// under it would write nothing to the API (and check no RBAC), which is why the step tests keep
/// Helm's releases as Secrets in the in-process API.
/// </summary>
public sealed class MemoryDriverTests
{
    [RealToolsTheory]
    [InlineData("helm4")]
    [InlineData("helm3")]
    public async Task Release_fixtures_in_the_memory_driver_answer_like_the_release_secrets(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.30.0", userValues: "debug: true\n");
        cluster.Admin("upgrade", RealCluster.Release, cluster.Chart, "--version", "3.31.0", "-n", RealCluster.HelmNamespace, "--reset-values").AssertSucceeded();
        var fixture = Path.Combine(cluster.Root, "releases.yaml");
        File.WriteAllText(fixture, ReleasesOf(cluster).ToJsonString());

        foreach (var args in new[]
        {
            new[] { "history", RealCluster.Release, "-n", RealCluster.HelmNamespace, "--max", "1", "-o", "json" },
            ["history", RealCluster.Release, "-n", RealCluster.HelmNamespace, "-o", "json"],
            ["get", "values", RealCluster.Release, "-n", RealCluster.HelmNamespace, "--revision", "1", "-o", "json"],
            ["get", "values", RealCluster.Release, "-n", RealCluster.HelmNamespace, "-o", "json"],
            ["history", "kata-gpu", "-n", RealCluster.HelmNamespace, "-o", "json"],
        })
        {
            var stored = cluster.Admin(args);
            var memory = RealTools.Run(RealRun.Helm(helm), [.. args], new Dictionary<string, string>
            {
                ["HELM_DRIVER"] = "memory", ["HELM_MEMORY_DRIVER_DATA"] = fixture, ["KUBECONFIG"] = "/dev/null",
            });
            Assert.Equal((stored.ExitCode, stored.Stdout), (memory.Exit, memory.Stdout));
        }
    }

    /// <summary>The release records of the Secret driver (data.release: base64 of gzip of JSON), as a memory-driver fixture.</summary>
    public static JsonArray ReleasesOf(RealCluster cluster) =>
        new([.. cluster.Api.Store.List("", "secrets", RealCluster.HelmNamespace)
            .Where(s => (string?)s["type"] == "helm.sh/release.v1")
            .OrderBy(s => s["metadata"]!["name"]!.ToString(), StringComparer.Ordinal)
            .Select(s =>
            {
                var encoded = Encoding.ASCII.GetString(Convert.FromBase64String((string)s["data"]!["release"]!));
                using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(encoded)), CompressionMode.Decompress);
                return JsonNode.Parse(gzip);
            })]);
}
