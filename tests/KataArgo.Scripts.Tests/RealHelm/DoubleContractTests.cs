using System.Text;
using System.Text.Json.Nodes;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using KataArgo.Testing.Kube;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// Keeps the doubles honest: every kubectl and helm form the step scripts use runs with the same
/// inputs against the real binary (Helm 4 and kubectl 1.35 on the in-process API, with kata-deploy
/// installed from its real chart) and against the double, on a double state copied from that API;
/// the exit codes, the JSON the scripts read and the error lines they match must agree.
/// README.md's "Assumptions" list says what is confirmed here and what is still open.
/// </summary>
public sealed class DoubleContractTests(ITestOutputHelper output)
{
    private const string Ns = RealCluster.HelmNamespace;

    [RealToolsFact]
    public async Task Kubectl_reads_answer_alike()
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.31.0");
        using var sandbox = new Sandbox(DoubleStateOf(cluster));
        var pod = cluster.Api.Store.List("", "pods", Ns).First();
        var podName = (string)pod["metadata"]!["name"]!;
        var selector = string.Join(",", cluster.DaemonSetObject()["spec"]!["selector"]!["matchLabels"]!.AsObject().Select(p => $"{p.Key}={p.Value}"));

        var mismatches = new List<string>();
        foreach (var argv in new[]
        {
            new[] { "get", "node", "node-a", "-o", "json" },
            ["get", "node", "node-x", "-o", "json"],
            ["get", "nodes", "-o", "json"],
            ["get", "nodes", "-l", "kubernetes.io/hostname=node-b", "-o", "json"],
            ["get", "daemonsets", "-n", Ns, "-o", "json"],
            ["get", "daemonset", "kata-deploy", "-n", Ns, "-o", "json"],
            ["get", "controllerrevisions", "-n", Ns, "-l", selector, "-o", "json"],
            ["get", "pods", "-n", Ns, "-l", selector, "--field-selector", "spec.nodeName=node-a", "-o", "json"],
            ["get", "pod", podName, "-n", Ns, "-o", "json"],
            ["get", "configmap", "kata-lifecycle-run-missing", "-n", "argo", "-o", "json"],
            ["get", "events", "-n", Ns, "--field-selector", $"involvedObject.name={podName}", "-o", "json"],
            ["auth", "can-i", "list", "secrets", "-n", Ns],
            ["auth", "can-i", "create", "pods", "-n", "kata-checks"],
        })
            Compare(mismatches, cluster, sandbox, "kubectl", ["--request-timeout=60s", .. argv]);

        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    [RealToolsFact]
    public async Task Kubectl_writes_answer_alike()
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.31.0");
        using var sandbox = new Sandbox(DoubleStateOf(cluster));
        var record = Path.Combine(cluster.Root, "record.json");
        File.WriteAllText(record, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kata-lifecycle-run-r1","namespace":"argo","labels":{"katacontainers.io/kata-lifecycle-manager-run":"r1"}},"data":{"phase":"staged"}}""");
        var pod = (string)cluster.Api.Store.List("", "pods", Ns).First()["metadata"]!["name"]!;
        // The plan ConfigMap's node list goes through a file: it can pass what one argument may hold.
        var planPatch = Path.Combine(cluster.Root, "plan-patch.json");
        File.WriteAllText(planPatch, """{"data":{"nodes":"node-a\nnode-b\n"}}""");
        // The rollout record: a dotted name, no owner, found by its label; replaced (labels and data) by a new rollout.
        var rollout = Path.Combine(cluster.Root, "rollout.json");
        File.WriteAllText(rollout, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kata-lifecycle-rollout.kube-system.kata-deploy","namespace":"argo","labels":{"katacontainers.io/kata-lifecycle-manager-rollout":"r1"}},"data":{"rollout":"r1","phase":"staged","runs":"r1"}}""");
        var rolloutPatch = Path.Combine(cluster.Root, "rollout-patch.json");
        File.WriteAllText(rolloutPatch, """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-rollout":"r2"}},"data":{"rollout":"r2","phase":"staged","runs":"r2","rollback-revision":""}}""");

        var mismatches = new List<string>();
        foreach (var argv in new[]
        {
            new[] { "create", "-f", record },
            ["create", "-f", record],
            ["patch", "configmap", "kata-lifecycle-run-r1", "-n", "argo", "--type", "merge", "-p", """{"data":{"staged-revision":"2"}}"""],
            ["get", "configmap", "kata-lifecycle-run-r1", "-n", "argo", "-o", "json"],
            ["patch", "configmap", "kata-lifecycle-run-r1", "-n", "argo", "--type", "merge", "--patch-file", planPatch],
            ["get", "configmap", "kata-lifecycle-run-r1", "-n", "argo", "-o", "json"],
            ["patch", "node", "node-b", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-next":"r1"}}}"""],
            ["get", "nodes", "-l", "katacontainers.io/kata-lifecycle-manager-next=r1", "-o", "json"],
            ["patch", "node", "node-b", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-next":null}}}"""],
            ["get", "nodes", "-l", "katacontainers.io/kata-lifecycle-manager-next=r1", "-o", "json"],
            ["patch", "node", "node-a", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-run":"r1"},"annotations":{"a":"b"}},"spec":{"unschedulable":true}}"""],
            ["get", "node", "node-a", "-o", "json"],
            ["patch", "node", "node-a", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-run":null}},"spec":{"unschedulable":null}}"""],
            ["get", "node", "node-a", "-o", "json"],
            ["create", "-f", rollout],
            ["get", "configmaps", "-n", "argo", "-l", "katacontainers.io/kata-lifecycle-manager-rollout", "-o", "json"],
            ["patch", "configmap", "kata-lifecycle-rollout.kube-system.kata-deploy", "-n", "argo", "--type", "merge", "-p", """{"data":{"phase":"rolling-back","runs":"r1\nr1b"}}"""],
            ["patch", "configmap", "kata-lifecycle-rollout.kube-system.kata-deploy", "-n", "argo", "--type", "merge", "--patch-file", rolloutPatch],
            ["get", "configmap", "kata-lifecycle-rollout.kube-system.kata-deploy", "-n", "argo", "-o", "json"],
            ["get", "configmaps", "-n", "argo", "-l", "katacontainers.io/kata-lifecycle-manager-rollout", "-o", "json"],
            ["patch", "node", "node-b", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-rollout":"r2"}}}"""],
            ["get", "nodes", "-l", "katacontainers.io/kata-lifecycle-manager-rollout=r2", "-o", "json"],
            ["patch", "node", "node-b", "--type", "merge", "-p", """{"metadata":{"labels":{"katacontainers.io/kata-lifecycle-manager-rollout":null}}}"""],
            ["get", "nodes", "-l", "katacontainers.io/kata-lifecycle-manager-rollout=r2", "-o", "json"],
            ["delete", "pod", "no-such-pod", "-n", Ns, "--ignore-not-found", "--wait=false"],
            ["delete", "pods", "-n", "default", "-l", "katacontainers.io/kata-lifecycle-manager-run=r1", "--ignore-not-found", "--wait=false"],
        })
            Compare(mismatches, cluster, sandbox, "kubectl", ["--request-timeout=60s", .. argv]);

        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    /// <summary>
    /// What kubectl prints for each verification pod manifest (the harness's and every one of
    /// tests/cases/verification-pod.json) is what the double's conversion table holds; a failure is
    /// the same kind of failure. A v1 List is read with --validate=false: kubectl validates a List's
    /// items against /openapi/v2, which the in-process API does not serve (a real API server does).
    /// </summary>
    [RealToolsFact]
    public async Task Kubectl_reads_verification_pods_as_the_double_says()
    {
        await using var cluster = await RealCluster.StartAsync(RealTool.Helm4, "3.31.0");
        var mismatches = new List<string>();
        foreach (var manifest in VerificationPods.All.Concat(VerificationPodCases.All.Select(c => c.Manifest)).Distinct())
        {
            var file = Path.Combine(cluster.Root, "verification-pod.yaml");
            File.WriteAllText(file, manifest);
            string[] validate = manifest.Contains("\nkind: List", StringComparison.Ordinal) ? ["--validate=false"] : [];
            var real = cluster.Kubectl(null, ["--request-timeout=60s", "create", "--dry-run=client", "-o", "json", .. validate, "-f", file]);
            var (_, conversion) = VerificationPods.Conversion(manifest);
            var expected = (int)conversion["exit"]!;
            var stderr = ((string?)conversion["stderr"] ?? "").Replace("verification-pod.yaml", file);
            if ((real.ExitCode == 0) != (expected == 0))
                mismatches.Add($"{manifest.Split('\n')[0]}...: kubectl exit {real.ExitCode}, double {expected}\n{real.Stderr}");
            else if (real.ExitCode == 0 && Canonical(JsonDocuments(real.Stdout)) != Canonical(JsonDocuments((string)conversion["stdout"]!)))
                mismatches.Add($"kubectl printed:\n{real.Stdout}\nthe double:\n{conversion["stdout"]}");
            else if (real.ExitCode != 0 && !SameFailure(real.Stderr, stderr, file))
                mismatches.Add($"{manifest.Split('\n')[0]}...: kubectl said:\n{real.Stderr}the double:\n{stderr}");
        }

        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    /// <summary>The same failure: the exact line for "no objects", else the same error up to the file's name (the YAML parsers word their errors apart).</summary>
    private static bool SameFailure(string real, string modelled, string file) =>
        modelled.StartsWith("error: no objects", StringComparison.Ordinal) ? real == modelled
        : modelled.Contains(file, StringComparison.Ordinal) && real.StartsWith(modelled[..(modelled.IndexOf(file, StringComparison.Ordinal) + file.Length)], StringComparison.Ordinal);

    [RealToolsTheory]
    [InlineData("helm4")]
    [InlineData("helm3")]
    public async Task Helm_answers_alike(string helm)
    {
        await using var cluster = await RealCluster.StartAsync(RealRun.Helm(helm), "3.31.0", userValues: "debug: true\n");
        cluster.Admin("upgrade", RealCluster.Release, cluster.Chart, "--version", "3.32.0", "-n", Ns, "--reset-then-reuse-values").AssertSucceeded();
        using var sandbox = new Sandbox(DoubleStateOf(cluster));
        var values = Path.Combine(cluster.Root, "values.json");
        File.WriteAllText(values, """{"debug":true,"updateStrategy":{"type":"OnDelete","rollingUpdate":null},"verification":{"pod":""}}""");
        var chart = "oci://" + (await KataDeployCharts.RegistryAsync()).Host + "/" + KataDeployCharts.Repository;

        var mismatches = new List<string>();
        foreach (var argv in new[]
        {
            new[] { "history", "kata-deploy", "-n", Ns, "--max", "1", "-o", "json" },
            ["history", "kata-deploy", "-n", Ns, "-o", "json"],
            ["history", "kata-gpu", "-n", Ns, "-o", "json"],
            ["get", "values", "kata-deploy", "-n", Ns, "-o", "json"],
            ["get", "values", "kata-deploy", "-n", Ns, "--revision", "1", "-o", "json"],
            ["upgrade", "kata-deploy", chart, "--version", "4.0.0", "-n", Ns, "--reset-values", "-f", values, "--dry-run=server"],
            ["history", "kata-deploy", "-n", Ns, "--max", "1", "-o", "json"],
            ["upgrade", "kata-deploy", chart, "--version", "4.0.0", "-n", Ns, "--reset-values", "-f", values],
            ["get", "values", "kata-deploy", "-n", Ns, "-o", "json"],
            ["rollback", "kata-deploy", "1", "-n", Ns],
            ["history", "kata-deploy", "-n", Ns, "-o", "json"],
            ["get", "values", "kata-deploy", "-n", Ns, "-o", "json"],
            // A rollout's rollback: the pre-rollout (older) chart with OnDelete, then the exact pre-rollout revision.
            ["upgrade", "kata-deploy", chart, "--version", "3.31.0", "-n", Ns, "--reset-values", "-f", values],
            ["rollback", "kata-deploy", "2", "-n", Ns],
            ["history", "kata-deploy", "-n", Ns, "--max", "1", "-o", "json"],
            ["get", "values", "kata-deploy", "-n", Ns, "-o", "json"],
        })
            Compare(mismatches, cluster, sandbox, "helm", argv);

        Assert.True(mismatches.Count == 0, string.Join("\n\n", mismatches));
    }

    /// <summary>Runs the form on both sides and records where exit code, JSON output or error line differ.</summary>
    private void Compare(List<string> mismatches, RealCluster cluster, Sandbox sandbox, string tool, string[] argv)
    {
        var real = tool == "helm" ? cluster.HelmAs(null, argv) : cluster.Kubectl(null, argv);
        var fake = sandbox.Tool([tool, .. argv]);
        var line = $"{tool} {string.Join(" ", argv)}";
        output.WriteLine($"$ {line}\nreal ({real.ExitCode}): {real.Stdout}{real.Stderr}\ndouble ({fake.ExitCode}): {fake.Stdout}{fake.Stderr}");
        if (real.ExitCode != fake.ExitCode)
            mismatches.Add($"{line}: exit {real.ExitCode} (real) vs {fake.ExitCode} (double)\nreal: {real.Stdout}{real.Stderr}\ndouble: {fake.Stdout}{fake.Stderr}");
        else if (real.ExitCode != 0 && ErrorLine(real.Stderr) != ErrorLine(fake.Stderr))
            mismatches.Add($"{line}: error\nreal:   {ErrorLine(real.Stderr)}\ndouble: {ErrorLine(fake.Stderr)}");
        else if (Json(real.Stdout) is { } r && Comparable(r) != Comparable(Json(fake.Stdout)))
            mismatches.Add($"{line}: output\nreal:   {Comparable(r)}\ndouble: {Comparable(Json(fake.Stdout))}");
        else if (Json(real.Stdout) is null && argv[0] is "auth" or "delete" or "patch" or "create" && real.Stdout.Trim() != fake.Stdout.Trim())
            mismatches.Add($"{line}: output\nreal:   {real.Stdout.Trim()}\ndouble: {fake.Stdout.Trim()}");
    }

    private static string ErrorLine(string stderr) =>
        stderr.Split('\n').FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? stderr.Trim();

    private static JsonNode? Json(string text)
    {
        try
        {
            return text.Trim().Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The output without what only the real server sets (timestamps, resourceVersion, managedFields) and Helm's `updated`.</summary>
    private static string Comparable(JsonNode? node) => Canonical(Strip(node?.DeepClone()));

    private static JsonNode? Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in new[] { "resourceVersion", "managedFields", "creationTimestamp", "updated", "uid", "generation" })
                    o.Remove(key);
                foreach (var (_, v) in o.ToList())
                    Strip(v);
                break;
            case JsonArray a:
                foreach (var v in a)
                    Strip(v);
                break;
        }
        return node;
    }

    private static JsonNode JsonDocuments(string text)
    {
        var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes(text), new System.Text.Json.JsonReaderOptions { AllowMultipleValues = true });
        var all = new JsonArray();
        while (reader.Read())
            all.Add(JsonNode.Parse(ref reader));
        return all;
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    /// <summary>The doubles' state with the API's objects and the release's history, as the real cluster has them now.</summary>
    private static Cluster DoubleStateOf(RealCluster cluster)
    {
        var state = Cluster.WithNodes().State;
        var store = cluster.Api.Store;
        state["nodes"] = new JsonArray([.. store.List("", "nodes", "")]);
        state["controllerrevisions"] = new JsonArray([.. store.List("apps", "controllerrevisions", Ns)]);
        state["pods"] = new JsonArray([.. store.List("", "pods", Ns).Select(p => { p["x"] = new JsonObject(); return (JsonNode)p; })]);
        state["configmaps"] = new JsonArray([.. store.List("", "configmaps", "")]);
        var ds = cluster.DaemonSetObject();
        var history = JsonNode.Parse(cluster.Admin("history", RealCluster.Release, "-n", Ns, "-o", "json").AssertSucceeded().Stdout)!.AsArray();
        ds["x"] = new JsonObject { ["hash"] = cluster.Api.UpdatedRevision(Ns, RealCluster.DaemonSet), ["version"] = ((string)history[^1]!["chart"]!)["kata-deploy-".Length..] };
        state["daemonsets"] = new JsonArray(ds);
        state["releases"] = new JsonArray(new JsonObject
        {
            ["name"] = RealCluster.Release, ["namespace"] = Ns, ["daemonset"] = RealCluster.DaemonSet,
            ["history"] = new JsonArray([.. history.Select(r => (JsonNode)new JsonObject
            {
                ["revision"] = r!["revision"]!.DeepClone(), ["status"] = r["status"]!.DeepClone(), ["chart"] = r["chart"]!.DeepClone(),
                ["app_version"] = r["app_version"]!.DeepClone(), ["description"] = r["description"]!.DeepClone(), ["updated"] = "2030-01-01T00:00:00Z",
                ["config"] = JsonNode.Parse(cluster.Admin("get", "values", RealCluster.Release, "-n", Ns, "--revision", r["revision"]!.ToString(), "-o", "json").Stdout) ?? new JsonObject(),
            })]),
        });
        state["knobs"]!["charts"] = new JsonArray([.. KataDeployCharts.Versions.Select(v => (JsonNode)v)]);
        state["knobs"]!["denied"] = new JsonArray("create pods kata-checks");
        return ClusterOf(state);
    }

    private static Cluster ClusterOf(JsonObject state)
    {
        var cluster = Cluster.WithNodes();
        foreach (var (key, value) in state.ToList())
            cluster.State[key] = value?.DeepClone();
        return cluster;
    }
}
