using System.Globalization;
using System.Text.Json.Nodes;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// Time on the sunny path, reproducible from a seed: 1–2 s between a change and the controller's
/// next pass, 1–3 s to schedule a pod, 1–2 s of init container, 6–90 s of main container, and the
/// fleet node each pod is scheduled on. Only the digits of timestamps and durations depend on it.
/// </summary>
internal sealed class RunClock(DateTimeOffset start, int seed, IReadOnlyList<string> hosts)
{
    private readonly Random _random = new(seed);

    public DateTimeOffset Now { get; set; } = start;

    /// <summary>The controller's next pass after a change.</summary>
    public DateTimeOffset Reconcile() => Now = Now.AddSeconds(_random.Next(1, 3));

    /// <summary>Seconds a pod spends being scheduled, in its init container and in its main container.</summary>
    public (int Scheduling, int Init, int Main) PodRun() => (_random.Next(1, 4), _random.Next(1, 3), _random.Next(6, 91));

    public string? Host() => hosts.Count == 0 ? null : hosts[_random.Next(hosts.Count)];
}

/// <summary>
/// <c>resourcesDuration</c> of a pod as <c>util/resource/duration.go</c> computes it: per container,
/// seconds run × quantity ÷ denominator (cpu 1, memory 100Mi), requests over limits, 100m CPU and
/// 100Mi memory when a container declares none (Argo's init and wait containers by default).
/// </summary>
internal static class PodResources
{
    private const long DefaultCpuMilli = 100;
    private const long DefaultMemoryMilli = 100L * 1024 * 1024 * 1000;

    public static Dictionary<string, long> Duration(JsonObject? mainResources, int initSeconds, int mainSeconds)
    {
        var total = new Dictionary<string, long>();
        Add(total, Defaults(), initSeconds);
        Add(total, Defaults(), mainSeconds + 1);
        var main = Defaults();
        foreach (var section in new[] { "limits", "requests" })
            if (mainResources?[section] is JsonObject list)
                foreach (var (name, quantity) in list)
                    main[name] = MilliValue(quantity!.GetValue<string>());
        Add(total, main, mainSeconds);
        return total;
    }

    private static Dictionary<string, long> Defaults() => new() { ["cpu"] = DefaultCpuMilli, ["memory"] = DefaultMemoryMilli };

    private static void Add(Dictionary<string, long> total, Dictionary<string, long> resources, int seconds)
    {
        foreach (var (name, milli) in resources)
            total[name] = total.GetValueOrDefault(name) + milli * seconds / Denominator(name);
    }

    private static long Denominator(string resource) => resource switch
    {
        "memory" => DefaultMemoryMilli,
        "storage" or "ephemeral-storage" => 10L * 1024 * 1024 * 1024 * 1000,
        _ => 1000,
    };

    /// <summary>A Kubernetes quantity (<c>50m</c>, <c>64Mi</c>, <c>2</c>, <c>1G</c>) in thousandths.</summary>
    public static long MilliValue(string quantity)
    {
        var suffixes = new (string Suffix, decimal Factor)[]
        {
            ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
            ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
        };
        foreach (var (suffix, factor) in suffixes)
            if (quantity.EndsWith(suffix, StringComparison.Ordinal))
                return (long)(decimal.Parse(quantity[..^suffix.Length], CultureInfo.InvariantCulture) * factor * 1000);
        return (long)(decimal.Parse(quantity, CultureInfo.InvariantCulture) * 1000);
    }
}
