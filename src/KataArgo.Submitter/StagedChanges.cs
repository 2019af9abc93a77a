using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// What stage's upgrade would change in cluster-scoped objects (<see cref="ClusterChanges"/>), as
/// <c>plan</c> shows it. <c>Unavailable</c> says why it could not be worked out (no helm, no
/// release Secret); <c>Refusal</c> is the line preflight would stop the run with.
/// </summary>
public sealed record ClusterChangeReport(string From, string To, IReadOnlyList<ClusterChangeLine> Lines, string? Refusal, string? Unavailable = null)
{
    /// <summary>The release's latest revision and status from the Secret read, or null when none could be read.</summary>
    public ReleaseHead? Head { get; init; }

    public static ClusterChangeReport NotShown(string from, string to, string why) => new(from, to, [], null, why);

    /// <summary>As <c>plan</c> prints it: the lines worded as preflight logs them, and its refusal.</summary>
    public string Text()
    {
        if (Unavailable is { } why)
            return $"Cluster-scoped changes of stage's upgrade: not shown: {why}\n";
        var text = new StringBuilder();
        if (Lines.Count == 0)
            text.Append($"Cluster-scoped changes of stage's upgrade ({From} -> {To}): none\n");
        else
        {
            text.Append($"Cluster-scoped changes of stage's upgrade ({From} -> {To}); only the DaemonSet's pods wait for their node:\n");
            foreach (var line in Lines)
                text.Append("  ").Append(line.Tagged).Append('\n');
        }
        if (Refusal is { } refusal)
            text.Append($"\nPreflight would refuse this run: {refusal}\n");
        return text.ToString();
    }
}

/// <summary>
/// The release's manifest from Helm's own record of it, and the target's rendered by the local
/// helm as stage's upgrade renders it, compared. Preflight does the same in the cluster (lib.sh
/// <c>check_target_manifest</c>) and is what decides; plan previews it.
/// </summary>
public static class StagedChanges
{
    /// <summary>
    /// The values file of stage's <c>helm upgrade --reset-values -f</c>: the release's user-supplied
    /// values with the DaemonSet OnDelete (no rollingUpdate) and kata-deploy's verification hook off
    /// (lib.sh <c>stage_values</c>; a real-Helm test renders both and compares).
    /// </summary>
    public static JsonObject StageValues(JsonObject config)
    {
        var values = config.DeepClone().AsObject();
        if (values["updateStrategy"] is not JsonObject strategy)
            values["updateStrategy"] = strategy = [];
        strategy["type"] = "OnDelete";
        strategy["rollingUpdate"] = null;
        if (values["verification"] is not JsonObject verification)
            values["verification"] = verification = [];
        verification["pod"] = "";
        return values;
    }

    public static ClusterChangeReport Compare(string currentManifest, string targetManifest, string daemonSet, string from, string to,
        KataDeployVersions versions)
    {
        var target = ClusterChanges.Objects(targetManifest);
        if (!target.Any(o => (string?)o["kind"] == "DaemonSet" && (string?)o["metadata"]?["name"] == daemonSet))
        {
            return new(from, to, [], $"target-version: kata-deploy {to} with the release's values renders no DaemonSet {daemonSet}, so it would run in deploymentMode job, which this workflow does not upgrade; keep deploymentMode daemonset, or upgrade with helm");
        }
        var lines = ClusterChanges.Lines(ClusterChanges.Classify(ClusterChanges.Objects(currentManifest), target, to, versions), versions);
        var refused = lines.FirstOrDefault(l => l.Verdict == "refuse");
        return new(from, to, lines, refused is null ? null
            : $"target-version: {refused.Line}; this workflow cannot upgrade node by node across that change: upgrade with helm (every node at once) or choose another target-version");
    }

    /// <summary>
    /// Reads the release's latest revision from its Helm Secret, renders the target with
    /// <paramref name="helm"/> and compares them; a missing helm or Secret gives a report saying so.
    /// </summary>
    public static async Task<ClusterChangeReport> ForPlanAsync(KubernetesTransport cluster, HelmTemplate? helm, string release, string ns,
        string chart, string target, string daemonSet, CancellationToken cancellationToken)
    {
        k8s.Models.V1SecretList secrets;
        try
        {
            secrets = await cluster.Call("GET", cluster.ApiUrl($"api/v1/namespaces/{ns}/secrets"),
                () => cluster.Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: $"owner=helm,name={release}", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (SubmitterException e) when (e.Kind != FailureKind.InvalidRequest)
        {
            // Reading Secrets is a right plan can do without: the node plan stands on its own.
            return ClusterChangeReport.NotShown("?", target, $"cannot read Helm's release Secrets in {ns}: {e.Message}");
        }
        var records = secrets.Items.Where(s => s.Type == ReleaseSecret.Type && s.Data?.ContainsKey("release") == true).ToList();
        var latest = records.MaxBy(ReleaseSecret.Revision);
        if (latest is null)
            return ClusterChangeReport.NotShown("?", target, $"no Helm release Secret of {ns}/{release} (owner=helm); is the release stored as Secrets (Helm's default driver)?");
        var current = ReleaseSecret.Decode(latest.Data["release"]);
        var from = (string?)current["chart"]?["metadata"]?["version"] ?? "?";
        var head = current["version"] is JsonValue version && version.TryGetValue<int>(out var revision)
            ? new ReleaseHead(ns, release, revision, (string?)current["info"]?["status"] ?? "unknown", ReleaseSecret.LastDeployed(records)) : null;
        if (helm is null)
            return ClusterChangeReport.NotShown(from, target, "helm is not on PATH; install Helm 3.14+ or 4 to see them here (preflight checks them in any case)") with { Head = head };
        var rendered = await helm.RenderAsync(release, ns, chart, target, StageValues(current["config"] as JsonObject ?? []), cancellationToken).ConfigureAwait(false);
        if (rendered.Error is { } error)
            return ClusterChangeReport.NotShown(from, target, $"helm template {chart} {target} failed: {error}") with { Head = head };
        return Compare((string?)current["manifest"] ?? "", rendered.Manifest!, daemonSet, from, target, KataDeployVersions.Current) with { Head = head };
    }
}

/// <summary>Helm's record of one release revision: a Secret of type helm.sh/release.v1.</summary>
public static class ReleaseSecret
{
    public const string Type = "helm.sh/release.v1";

    /// <summary>
    /// The revision a release Secret records: its <c>version</c> label (0 when missing). Helm
    /// labels each record name, owner, status and version (Helm 3.18 and 4.1
    /// pkg/storage/driver/secrets.go newSecretsObject) and queries them by these labels itself.
    /// </summary>
    public static int Revision(k8s.Models.V1Secret secret) =>
        secret.Metadata.Labels is { } labels && labels.TryGetValue("version", out var text) && int.TryParse(text, out var v) ? v : 0;

    /// <summary>
    /// The last revision whose record's <c>status</c> label is deployed or superseded (what
    /// preflight's release_pending_check reads from <c>helm history</c>), or null when none is.
    /// </summary>
    public static int? LastDeployed(IEnumerable<k8s.Models.V1Secret> records) =>
        records.Where(s => s.Metadata.Labels is { } labels && labels.TryGetValue("status", out var status) && status is "deployed" or "superseded")
            .Select(Revision).Where(r => r > 0).Select(r => (int?)r).Max();

    /// <summary>
    /// data.release is the release as JSON, gzipped, then base64 (Helm 3.18 and 4.1
    /// pkg/storage/driver/util.go encodeRelease; the Secret's own base64 is undone by the client).
    /// </summary>
    public static JsonObject Decode(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(Encoding.ASCII.GetString(data))), CompressionMode.Decompress);
        return JsonNode.Parse(gzip)!.AsObject();
    }

    public static byte[] Encode(JsonObject release)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
            gzip.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        return Encoding.ASCII.GetBytes(Convert.ToBase64String(buffer.ToArray()));
    }
}

/// <summary>
/// The local helm rendering what stage's upgrade would: <c>helm template</c> of the target chart
/// with stage's values (<see cref="StagedChanges.StageValues"/>), without hooks (as a release manifest
/// has none); with <c>Lookups</c>, against the cluster (<c>--dry-run=server --is-upgrade</c>) as
/// stage's render is. <c>Environment</c> is the one kata-argo runs in (kubeconfig, Helm's
/// registry credentials and cache).
/// </summary>
public sealed record HelmTemplate(string Path, IReadOnlyDictionary<string, string?> Environment, bool Lookups = true,
    string? KubeConfig = null, string? KubeContext = null)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>helm on a PATH (the CLI's environment), or null.</summary>
    public static string? Find(string? path) =>
        (path ?? "").Split(System.IO.Path.PathSeparator).Where(d => d.Length > 0)
            .Select(d => System.IO.Path.Combine(d, "helm")).FirstOrDefault(File.Exists);

    public IReadOnlyList<string> Arguments(string release, string ns, string chart, string version, string valuesFile)
    {
        var args = new List<string> { "template", release, chart, "--version", version, "-n", ns, "--no-hooks", "-f", valuesFile };
        if (Lookups)
            args.AddRange(["--dry-run=server", "--is-upgrade"]);
        if (KubeConfig is not null)
            args.AddRange(["--kubeconfig", KubeConfig]);
        if (KubeContext is not null)
            args.AddRange(["--kube-context", KubeContext]);
        return args;
    }

    /// <summary>The manifest, or the first line of helm's error.</summary>
    public async Task<(string? Manifest, string? Error)> RenderAsync(string release, string ns, string chart, string version, JsonObject values,
        CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("kata-argo-plan-");
        try
        {
            var valuesFile = System.IO.Path.Combine(directory.FullName, "values.json");
            await File.WriteAllTextAsync(valuesFile, values.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Arguments(release, ns, chart, version, valuesFile))
                start.ArgumentList.Add(argument);
            // helm sees the environment kata-argo was given (KUBECONFIG, HOME, HELM_*), nothing else.
            start.Environment.Clear();
            foreach (var (name, value) in Environment)
                if (value is not null)
                    start.Environment[name] = value;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Path}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (null, $"no answer within {Timeout.TotalSeconds:0}s");
            }
            var (output, error) = (await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            return process.ExitCode == 0
                ? (output, null)
                : (null, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? $"exit {process.ExitCode}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
