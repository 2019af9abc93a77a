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
        Sensitivity(scenarios[0], main);
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
        return string.Create(CultureInfo.InvariantCulture, $"{perNode:N0} bytes (raw {(double)(b.Sizes.Raw - a.Sizes.Raw) / (b.FleetSize - a.FleetSize):N0} bytes)");
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
        Line("Largest value of each kind, in bytes as the place it lives counts them; ✗ = over its limit, † = over Argo's 128 KiB " +
             "`ARGO_TEMPLATE` threshold, so Argo moved it into a ConfigMap. \"list\" holds the whole node list; \"name\" one node's " +
             "name, × as many times per fleet node. Values in `status.nodes` count compressed toward the Workflow's 1 MiB; global " +
             "outputs and parameters count uncompressed.");
        Line();
        Line($"| value | where | holds | limit | {string.Join(" | ", measured.Select(m => $"{m.FleetSize:N0}"))} | alone over its limit at |");
        Line($"|---|---|---|---|{string.Concat(measured.Select(_ => "---:|"))}---:|");
        // A node list is a row per place; a node name, one row per kind of place (its owners listed).
        static (string Place, string? Owner, string Value) Row(Carrier c) =>
            c.Kind == CarrierKind.NodeList ? (c.Place, c.Owner, c.Value) : (c.Place, null, c.Value);
        var rows = measured.Select(m => m.Carriers.GroupBy(Row).ToDictionary(g => g.Key, g => g.ToList())).ToList();
        var last = rows[^1];
        var keys = rows.SelectMany(r => r.Keys).Distinct()
            .OrderBy(k => last.TryGetValue(k, out var c) && c[0].Kind == CarrierKind.NodeList ? 0 : 1)
            .ThenByDescending(k => last.TryGetValue(k, out var c) ? c.Max(x => x.Bytes) : 0)
            .ThenBy(k => k.Value, StringComparer.Ordinal)
            .ToList();
        foreach (var key in keys)
        {
            var all = rows.SelectMany(r => r.GetValueOrDefault(key) ?? []).ToList();
            var owners = string.Join(", ", all.Select(c => c.Owner).OfType<string>().Distinct());
            var where = owners.Length == 0 ? key.Place : $"{key.Place}: {owners}";
            var lastCarriers = rows.Last(r => r.ContainsKey(key))[key];
            var holds = lastCarriers[0].Kind == CarrierKind.NodeList
                ? "list"
                : $"name ×{(double)lastCarriers.Sum(c => c.Count) / measured[rows.FindLastIndex(r => r.ContainsKey(key))].FleetSize:0.##}";
            var limits = string.Join(", then ", all.Select(c => c.Limit).Distinct().Select(l => $"{l.Name}: {Bytes(l.Bytes)}"));
            var cells = rows.Select(r => r.GetValueOrDefault(key) is { } cs
                ? Bytes(cs.Max(c => c.Bytes)) + (cs.All(c => c.Fits) ? "" : " ✗") + (cs.Any(c => c.Note?.StartsWith("over", StringComparison.Ordinal) == true) ? " †" : "")
                : "—");
            Line($"| `{key.Value}` | {where} | {holds} | {limits} | {string.Join(" | ", cells)} | {Crossing(measured, rows, key)} |");
        }
        Line();
    }

    /// <summary>The fleet size at which a growing value alone passes its limit, by linear extrapolation of the last two sizes.</summary>
    private static string Crossing(List<Measurement> measured, List<Dictionary<(string, string?, string), List<Carrier>>> rows,
        (string, string?, string) key)
    {
        var points = rows.Select((r, i) => (measured[i].FleetSize, Carriers: r.GetValueOrDefault(key))).Where(p => p.Carriers is not null).ToList();
        if (points.Count < 2 || points[^1].Carriers![0].Kind != CarrierKind.NodeList)
            return "—";
        var (n1, s1) = (points[^2].FleetSize, points[^2].Carriers!.Max(c => c.Bytes));
        var (n2, s2) = (points[^1].FleetSize, points[^1].Carriers!.Max(c => c.Bytes));
        var limit = points[^1].Carriers!.Select(c => c.Limit.Bytes).Max();
        if (s2 <= s1)
            return "—";
        var at = n1 + (limit - s1) * (double)(n2 - n1) / (s2 - s1);
        return at <= 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"≈ {Math.Round(at / 100) * 100:N0}");
    }

    /// <summary>How much the stored size moves with what the model had to assume.</summary>
    private void Sensitivity(Scenario scenario, List<Measurement> measured)
    {
        var m = measured.LastOrDefault(x => x.FleetSize <= 10_000) ?? measured[0];
        var firstRun = WorkflowObject.Measure(scenario.Run(template, m.FleetSize, withEstimates: false));
        var gzip6 = WorkflowObject.Measure(m.Run, gzipLevel: 6);
        Line($"### Sensitivity at {m.FleetSize:N0} fleet nodes ({scenario.Title})");
        Line();
        Line("| assumption | Workflow JSON, nodes compressed | margin under 1 MiB |");
        Line("|---|---:|---:|");
        Line($"| as above: a previous run exists (`estimatedDuration` on every entry), gzip level {WorkflowObject.GzipLevel} (Argo's default pgzip) | {Bytes(m.Sizes.Compressed)} | {Margin(m.Sizes.Margin)} |");
        Line($"| first run of the template: no `estimatedDuration` | {Bytes(firstRun.Compressed)} | {Margin(firstRun.Margin)} |");
        Line($"| `GZIP_IMPLEMENTATION=GZip` (Go compress/gzip, level 6) | {Bytes(gzip6.Compressed)} | {Margin(gzip6.Margin)} |");
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
