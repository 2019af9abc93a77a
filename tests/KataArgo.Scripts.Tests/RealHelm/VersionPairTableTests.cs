using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Submitter;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Issue 9's table: for every pair (FROM, TO) of the real charts in ../shared/kata-deploy-charts,
/// FROM as installed (default values) and TO as stage renders it (stage's values), both rendered
/// by the real Helm 4 (<c>helm template</c>, no cluster), compared by plan's <see cref="ClusterChanges"/>
/// and by preflight's jq (<c>cluster_changes</c> in kata-deploy.sh), which must agree. The table is
/// snapshots/kata-deploy/version-pairs.txt; <see cref="VersionPairTests"/> runs the real preflight
/// on a real cluster for the upgrade pairs and requires the same entries.
/// </summary>
public sealed class VersionPairTableTests
{
    public const string TablePath = "kata-deploy/version-pairs.txt";

    [RealToolsFact]
    public void Plan_and_preflight_compare_every_pair_of_real_charts_as_the_table_says()
    {
        var installed = KataDeployCharts.Versions.ToDictionary(v => v, v => Render(v, []));
        var staged = KataDeployCharts.Versions.ToDictionary(v => v, v => Render(v, StagedChanges.StageValues([])));
        var pairs = KataDeployCharts.Versions.SelectMany(f => KataDeployCharts.Versions.Select(t => (From: f, To: t))).ToList();

        var table = new StringBuilder();
        table.Append("# What preflight decides and lists (and plan prints) for each pair of real kata-deploy charts, FROM -> TO;\n")
            .Append("# tests/KataArgo.Scripts.Tests/RealHelm/VersionPairTableTests.cs and VersionPairTests.cs\n");
        var expected = new List<string>();
        foreach (var (from, to) in pairs)
        {
            var report = StagedChanges.Compare(installed[from], staged[to], RealCluster.DaemonSet, from, to, KataDeployVersions.Current);
            var labels = ClusterChanges.Classify(ClusterChanges.Objects(installed[from]), ClusterChanges.Objects(staged[to]), to, KataDeployVersions.Current)
                .Where(c => c.Verdict == "label").Select(c => c.To).Distinct().Order(StringComparer.Ordinal).ToList();
            table.Append(Entry(from, to, report.Refusal, string.Join(' ', labels), [.. report.Lines.Select(l => l.Tagged)]));
            expected.Add(string.Join("\n", report.Lines.Select(l => $"{l.Verdict} {l.Line}")));
        }
        Assert.Equal(expected, Bash(installed, staged, pairs));
        Snapshot.Verify(TablePath, table.ToString());
    }

    /// <summary>
    /// No real pair strands Kata pods, so the refusals are shown on the real 4.0.0 -> 4.1.0 renders
    /// changed only where a rule applies: a RuntimeClass's handler, and a selector on a label of
    /// kata-deploy's domains that is not the target's own install label (4.1.0 with another instance).
    /// </summary>
    [RealToolsFact]
    public void A_change_that_would_strand_kata_pods_is_refused_with_one_line_by_plan_and_preflight_alike()
    {
        var installed = new Dictionary<string, string> { ["4.0.0"] = Render("4.0.0", []) };
        var target = Render("4.1.0", StagedChanges.StageValues([]));
        var staged = new Dictionary<string, string>
        {
            ["4.1.0-handler"] = Edit(target, o => (string?)o["kind"] == "RuntimeClass" && (string?)o["metadata"]!["name"] == "kata-qemu",
                o => o["handler"] = "kata-qemu-v2"),
            ["4.1.0-instance"] = Edit(target, o => (string?)o["kind"] == "RuntimeClass",
                o => o["metadata"]!["labels"]![KataDeployVersions.Current.InstanceRuntimeClassLabel] = "gpu"),
        };
        string[] expected =
        [
            "target-version: RuntimeClass kata-qemu: handler kata-qemu -> kata-qemu-v2; at stage, on every node: pods created from then on ask nodes not yet upgraded for a handler they do not have; this workflow cannot upgrade node by node across that change: upgrade with helm (every node at once) or choose another target-version",
            "target-version: RuntimeClass kata-clh, kata-clh-azure, kata-clh-azure-runtime-rs and 21 more: scheduling.nodeSelector adds kata-deploy.katacontainers.io/default=true; at stage, on every node: pods created from then on only go to nodes with that label, which nodes not yet upgraded do not have; this workflow cannot upgrade node by node across that change: upgrade with helm (every node at once) or choose another target-version",
        ];
        var pairs = staged.Keys.Select(k => (From: "4.0.0", To: k)).ToList();

        var reports = pairs.Select(p => StagedChanges.Compare(installed[p.From], staged[p.To], RealCluster.DaemonSet, p.From, p.To, KataDeployVersions.Current)).ToList();

        Assert.Equal(expected, reports.Select(r => r.Refusal));
        Assert.Equal(reports.Select(r => string.Join("\n", r.Lines.Select(l => $"{l.Verdict} {l.Line}"))), Bash(installed, staged, pairs));
    }

    private static string Edit(string manifest, Func<JsonObject, bool> which, Action<JsonObject> edit) =>
        string.Join("\n---\n", ClusterChanges.Objects(manifest).Select(o =>
        {
            if (which(o))
                edit(o);
            return o.ToJsonString();
        }));

    /// <summary>One pair's entry: the decision line, then the listed changes indented.</summary>
    public static string Entry(string from, string to, string? refusal, string labels, IReadOnlyList<string> listed)
    {
        var text = new StringBuilder($"\n{from} -> {to}: ");
        text.Append(refusal is not null ? "refused: " + refusal : labels.Length > 0 ? $"go; stage first labels {labels} where kata-deploy is installed" : "go").Append('\n');
        foreach (var line in listed)
            text.Append("  ").Append(line).Append('\n');
        return text.ToString();
    }

    /// <summary>The table's entry of one pair, as <see cref="Entry"/> wrote it.</summary>
    public static string TableEntry(string from, string to)
    {
        var table = File.ReadAllText(Repo.Path("snapshots", TablePath));
        var start = table.IndexOf($"\n{from} -> {to}: ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{TablePath} has no entry {from} -> {to}");
        var end = table.IndexOf("\n\n", start + 1, StringComparison.Ordinal);
        return table[start..(end < 0 ? table.Length : end + 1)];
    }

    private static string Render(string version, JsonObject values)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, values.ToJsonString());
            var (exit, stdout, stderr) = RealTools.Run(RealTool.Helm4, "template", RealCluster.Release, KataDeployCharts.ChartDirectory(version),
                "-n", RealCluster.HelmNamespace, "--no-hooks", "-f", file);
            Assert.True(exit == 0, stderr);
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>cluster_changes of kata-deploy.sh over the same objects, one bash for every pair: "VERDICT LINE" lines per pair.</summary>
    private static List<string> Bash(Dictionary<string, string> installed, Dictionary<string, string> staged, List<(string From, string To)> pairs)
    {
        var root = Directory.CreateTempSubdirectory("kata-pairs-").FullName;
        try
        {
            foreach (var (file, script) in StepScripts.Files)
                File.WriteAllText(Path.Combine(root, file), script);
            foreach (var (v, manifest) in installed)
                File.WriteAllText(Path.Combine(root, $"installed-{v}.json"), new JsonArray([.. ClusterChanges.Objects(manifest)]).ToJsonString());
            foreach (var (v, manifest) in staged)
                File.WriteAllText(Path.Combine(root, $"staged-{v}.json"), new JsonArray([.. ClusterChanges.Objects(manifest)]).ToJsonString());
            File.WriteAllText(Path.Combine(root, "pairs"), string.Concat(pairs.Select(p => $"{p.From} {p.To}\n")));
            File.WriteAllText(Path.Combine(root, "run.sh"), """
                source "$1/lib.sh"
                while read -r from to; do
                  cluster_changes "$1/installed-$from.json" "$1/staged-$to.json" "$to" kata-deploy | grep -v '^daemonset \|^safe-label ' || true
                  printf '\0'
                done <"$1/pairs"
                """);
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(root, "run.sh"));
            start.ArgumentList.Add(root);
            start.Environment["TMPDIR"] = root;
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, stderr.Result);
            return [.. text.Split('\0')[..^1].Select(m => m.TrimEnd('\n'))];
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
