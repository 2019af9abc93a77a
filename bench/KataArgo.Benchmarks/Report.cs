using System.Globalization;
using System.Text;
using System.Text.Json;
using Argo.Workflows.Client;
using KataArgo.Benchmarks.Model;

namespace KataArgo.Benchmarks;

/// <summary>The benchmark's Markdown report: one section per table, ready to paste into docs/workflow.md.</summary>
internal sealed class Report(WorkflowTemplate template, IReadOnlyList<int> fleetSizes, bool searchLimit)
{
    private const int SearchCeiling = 200_000;
    private readonly StringBuilder _out = new();

    public string Render()
    {
        var scenarios = new[] { Scenario.Sunny(drain: false), Scenario.Sunny(drain: true) };
        var results = scenarios.ToDictionary(s => s, s => fleetSizes.Select(n => s.Measure(template, n)).ToList());
        var main = results[scenarios[0]];

        Line($"## Benchmark: the Workflow Argo records for one run of `{template.Metadata.Name}`");
        Line();
        Line($"`dotnet run -c Release --project bench/KataArgo.Benchmarks` (docs/benchmarks.md). Model of Argo Workflows " +
             $"{ArgoController.Version}'s controller; sunny path, every pod succeeds first time; fleet node names 30–44 characters; " +
             $"status gzip level {WorkflowObject.GzipLevel} as Argo's default compressor. Limit: {Bytes(ArgoController.WorkflowSize.Bytes)} " +
             "(`MAX_WORKFLOW_SIZE`), no node status offloading.");
        Line();
        TemplateSizes(main[0]);
        foreach (var scenario in scenarios)
            SizeTable(scenario, results[scenario]);
        CarrierTable(main);
        Notes(main);
        return _out.ToString();
    }

    private void TemplateSizes(Measurement first)
    {
        var templateBytes = GoJson.Size(JsonSerializer.SerializeToNode(template, ArgoJson.Options));
        Line("### The WorkflowTemplate");
        Line();
        Line("| object | bytes | limit that applies |");
        Line("|---|---:|---|");
        Line($"| WorkflowTemplate JSON | {Bytes(templateBytes)} | {Bytes(ArgoController.EtcdObject.Bytes)} stored object; {Bytes(ArgoController.Annotations.Bytes)} of annotations if applied client-side (`last-applied-configuration` holds a copy) |");
        Line($"| its copy in every Workflow (`status.storedWorkflowTemplateSpec`) | {Bytes(first.Sizes.StoredSpec)} | counted uncompressed in the Workflow's {Bytes(ArgoController.WorkflowSize.Bytes)} |");
        Line();
    }

    private void SizeTable(Scenario scenario, List<Measurement> measured)
    {
        Line($"### Workflow size by fleet size ({scenario.Title})");
        Line();
        Line("| fleet nodes | status entries | entries per fleet node | workflow pods per fleet node | Workflow JSON, raw | Workflow JSON, nodes compressed | margin under 1 MiB |");
        Line("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in measured)
            Line($"| {m.FleetSize:N0} | {m.Entries:N0} | {m.EntriesPerNode:0.##} | {m.PodsPerNode:0.##} | {Bytes(m.Sizes.Raw)} | " +
                 $"{(m.Sizes.Raw <= ArgoController.WorkflowSize.Bytes ? "not needed" : Bytes(m.Sizes.Compressed))} | {Margin(m.Sizes.Margin)} |");
        Line();
        var fixedEntries = measured[0].Entries - measured[0].Run.FleetEntries;
        Line($"Outside the per-node loop: {fixedEntries} entries and {measured[0].Run.Pods.Count - measured[0].Run.FleetPods} pods per run. " +
             $"Compressed cost per fleet node: {PerNode(measured)}.");
        if (searchLimit)
            Line(Largest(scenario, measured));
        Line();
    }

    private string PerNode(List<Measurement> measured)
    {
        var (a, b) = (measured[0], measured[^1]);
        if (a.FleetSize == b.FleetSize)
            return "n/a (one fleet size)";
        var perNode = (double)(b.Sizes.Compressed - a.Sizes.Compressed) / (b.FleetSize - a.FleetSize);
        return $"{perNode:0.#} bytes (raw {(double)(b.Sizes.Raw - a.Sizes.Raw) / (b.FleetSize - a.FleetSize):N0} bytes)";
    }

    private string Largest(Scenario scenario, List<Measurement> measured)
    {
        var fits = measured.Where(m => m.Sizes.Margin >= 0).Select(m => m.FleetSize).DefaultIfEmpty(0).Max();
        var fails = measured.Where(m => m.Sizes.Margin < 0).Select(m => m.FleetSize).DefaultIfEmpty(int.MaxValue).Min();
        while (fails == int.MaxValue && fits < SearchCeiling)
        {
            var probe = Math.Min(SearchCeiling, Math.Max(fits * 2, 1));
            if (scenario.Measure(template, probe).Sizes.Margin >= 0)
                fits = probe;
            else
                fails = probe;
        }
        if (fails == int.MaxValue)
            return $"Largest fleet under 1 MiB: more than {SearchCeiling:N0} nodes (search stopped there).";
        while (fails - fits > Math.Max(10, fits / 100))
        {
            var probe = (fits + fails) / 2;
            if (scenario.Measure(template, probe).Sizes.Margin >= 0)
                fits = probe;
            else
                fails = probe;
        }
        return fits == 0
            ? $"Largest fleet under 1 MiB: none ({fails:N0} nodes is already over)."
            : $"Largest fleet under 1 MiB: about {fits:N0} nodes ({fails:N0} is over; found by bisection within 1 %).";
    }

    private void CarrierTable(List<Measurement> measured)
    {
        Line($"### Values that carry node names ({Scenario.Sunny(drain: false).Title})");
        Line();
        Line("Largest value of each kind, in bytes as the place it lives counts them; ✗ = over its limit. " +
             "\"list\" holds the whole node list, \"name\" one node's name (one per loop item; × is how many per fleet node).");
        Line();
        var sizes = string.Join(" | ", measured.Select(m => $"{m.FleetSize:N0}"));
        Line($"| value | where | holds | limit | {sizes} |");
        Line($"|---|---|---|---|{string.Concat(measured.Select(_ => "---:|"))}");
        var keys = measured.SelectMany(m => m.Carriers).Select(c => (c.Where, c.Value)).Distinct()
            .OrderBy(k => measured[^1].Carriers.FirstOrDefault(c => (c.Where, c.Value) == k)?.Kind ?? CarrierKind.NodeName)
            .ThenByDescending(k => measured[^1].Carriers.FirstOrDefault(c => (c.Where, c.Value) == k)?.Bytes ?? 0)
            .ToList();
        foreach (var key in keys)
        {
            var last = measured.Select(m => m.Carriers.FirstOrDefault(c => (c.Where, c.Value) == key)).Last(c => c is not null)!;
            var holds = last.Kind == CarrierKind.NodeList
                ? "list"
                : $"name ×{(double)measured[^1].Carriers.First(c => (c.Where, c.Value) == key).Count / measured[^1].FleetSize:0.##}";
            var cells = measured.Select(m => m.Carriers.FirstOrDefault(c => (c.Where, c.Value) == key) is { } c
                ? Bytes(c.Bytes) + (c.Fits ? "" : " ✗") + (c.Note is { } note && note.StartsWith("over", StringComparison.Ordinal) ? " †" : "")
                : "—");
            Line($"| `{key.Value}` | {key.Where} | {holds} | {last.Limit.Name}: {Bytes(last.Limit.Bytes)} | {string.Join(" | ", cells)} |");
        }
        Line();
        Line("† over Argo's 128 KiB `ARGO_TEMPLATE` threshold: Argo moves it into a ConfigMap (limit 1 MiB). " +
             "Values in `status.nodes` count compressed toward the Workflow's 1 MiB; global outputs and parameters count uncompressed.");
        Line();
    }

    private void Notes(List<Measurement> measured)
    {
        var first = measured[0];
        Line("### What the model decided (check after changing the template)");
        Line();
        foreach (var role in first.Run.Roles.Describe())
            Line($"- value role: `{role}`");
        foreach (var skipped in first.Run.Nodes.Where(n => n.Type == "Skipped").GroupBy(n => (n.TemplateName, n.Message)))
            Line($"- skipped: `{skipped.Key.TemplateName}` ×{skipped.Count()} at {first.FleetSize:N0} nodes: {skipped.Key.Message}");
        foreach (var m in measured.Where(m => m.Run.IdCollisions > 0))
            Line($"- {m.FleetSize:N0} nodes: {m.Run.IdCollisions} node-ID collisions (FNV-32 of {m.Entries:N0} names); Argo would confuse those entries");
        Line($"- limits: {string.Join("; ", new[] { ArgoController.WorkflowSize, ArgoController.EnvironmentString, ArgoController.ArgoTemplateEnv, ArgoController.Annotations, ArgoController.ConfigMap, ArgoController.EtcdObject }.Select(l => $"{l.Name} = {l.Source}"))}");
        Line();
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 10 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} B"),
        < 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:N1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N2} MiB"),
    };

    private static string Margin(long margin) => margin >= 0 ? Bytes(margin) : $"−{Bytes(-margin)} (over: run Errors)";

    private void Line(string text = "") => _out.Append(text).Append('\n');
}
