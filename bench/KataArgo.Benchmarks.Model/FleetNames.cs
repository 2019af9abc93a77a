using System.Globalization;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// Realistic, reproducible Kubernetes node names, 30–44 characters: half EKS
/// (<c>ip-10-12-134-27.us-west-2.compute.internal</c>), three tenths GKE
/// (<c>gke-prod-gpu-pool-3f2a9c1d-x7k2</c>), a fifth AKS (<c>aks-katapool-31477382-vmss00002a</c>),
/// sorted as the plan lists them.
/// </summary>
public static class FleetNames
{
    private static readonly string[] Regions = ["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-2"];
    private static readonly string[] Clusters = ["prod", "prod-eu", "staging"];
    private static readonly string[] Pools = ["gpu-pool", "kata-pool", "default-pool", "highmem-pool"];
    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static IReadOnlyList<string> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < count)
        {
            var kind = random.Next(10);
            names.Add(kind switch
            {
                < 5 => string.Create(CultureInfo.InvariantCulture,
                    $"ip-10-{random.Next(256)}-{random.Next(256)}-{random.Next(1, 255)}.{Regions[random.Next(Regions.Length)]}.compute.internal"),
                < 8 => $"gke-{Clusters[random.Next(Clusters.Length)]}-{Pools[random.Next(Pools.Length)]}-{Hex(random, 8)}-{Text(random, 4)}",
                _ => string.Create(CultureInfo.InvariantCulture, $"aks-katapool-{random.Next(10_000_000, 99_999_999)}-vmss{Text(random, 6)}"),
            });
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static string Hex(Random random, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[random.Next(16)]));

    private static string Text(Random random, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => Base36[random.Next(Base36.Length)]));
}
