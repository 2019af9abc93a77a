using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using KataArgo.Chart;
using KataArgo.Lifecycle;
using KataArgo.Submitter;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;
using KataArgo.Testing.Kube;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>
/// A cluster for the real Helm and kubectl: the in-process <see cref="KubeApi"/> with kata-deploy
/// installed from the real chart by the real Helm (release Secrets, DaemonSet, RuntimeClasses,
/// RBAC, as a cluster admin), a kata-deploy pod per node, and this chart's rendered RBAC for the
/// workflow's ServiceAccount, which every step runs as.
/// </summary>
public sealed class RealCluster : IAsyncDisposable
{
    public const string HelmNamespace = "kube-system";
    public const string WorkflowNamespace = "argo";
    public const string VerificationNamespace = "default";
    public const string Release = "kata-deploy";
    public const string DaemonSet = "kata-deploy";
    public static readonly string[] Nodes = ["node-a", "node-b"];
    public static readonly ApiUser Workflow = ApiUser.ServiceAccount(WorkflowNamespace, LifecycleKeys.TemplateName);

    private int _runs;

    private RealCluster(KubeApi api, RealTool helm, string root, ChartRegistry registry, string chart)
    {
        Api = api;
        Helm = helm;
        Root = root;
        Registry = registry;
        Chart = chart;
    }

    public KubeApi Api { get; }
    public RealTool Helm { get; }
    public string Root { get; }
    public ChartRegistry Registry { get; }

    /// <summary>oci://127.0.0.1:PORT/kata-containers/kata-deploy-charts/kata-deploy</summary>
    public string Chart { get; }

    /// <summary>
    /// Starts a cluster with kata-deploy VERSION installed by HELM (with the user's values, YAML, if
    /// any): a copy of the objects (and pod logs) the first such install left, made once per test
    /// process for each set of arguments, as <see cref="ForkAsync"/> copies a cluster.
    /// </summary>
    public static async Task<RealCluster> StartAsync(RealTool helm, string version, string? userValues = null, RbacTarget? rbac = null)
    {
        var key = string.Join("\n", helm.Name, version, userValues ?? "", rbac?.ToString() ?? "");
        var installed = await Installs.GetOrAdd(key, _ => new Lazy<Task<Installed>>(() => InstallAsync(helm, version, userValues, rbac))).Value;
        var api = await KubeApi.StartAsync(installed.Store.Clone());
        foreach (var (pod, log) in installed.Logs)
            api.Logs[pod] = log;
        return new RealCluster(api, helm, Directory.CreateTempSubdirectory("kata-real-").FullName, await KataDeployCharts.RegistryAsync(), await KataDeployCharts.ReferenceAsync());
    }

    private sealed record Installed(ObjectStore Store, IReadOnlyDictionary<string, string> Logs);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Installed>>> Installs = new();

    /// <summary>The install itself: the real Helm as a cluster admin, every pod on the installed revision, this chart's RBAC.</summary>
    private static async Task<Installed> InstallAsync(RealTool helm, string version, string? userValues, RbacTarget? rbac)
    {
        var registry = await KataDeployCharts.RegistryAsync();
        var api = await KubeApi.StartAsync();
        var root = Directory.CreateTempSubdirectory("kata-real-").FullName;
        await using var cluster = new RealCluster(api, helm, root, registry, await KataDeployCharts.ReferenceAsync());
        foreach (var ns in new[] { HelmNamespace, WorkflowNamespace, VerificationNamespace })
            api.Seed(Obj("v1", "Namespace", ns, null));
        foreach (var node in Nodes)
            api.Seed(Obj("v1", "Node", node, null, new JsonObject { ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = node } }));
        var args = new List<string> { "install", Release, cluster.Chart, "--version", version, "-n", HelmNamespace };
        if (userValues is not null)
        {
            File.WriteAllText(Path.Combine(root, "user-values.yaml"), userValues);
            args.AddRange(["-f", Path.Combine(root, "user-values.yaml")]);
        }
        cluster.Admin([.. args]).AssertSucceeded();
        cluster.RecycleAll();
        foreach (var obj in RbacObjects(rbac ?? Target()))
            api.Seed(obj);
        Assert.Empty(api.Violations);
        return new Installed(api.Store.Clone(), new Dictionary<string, string>(api.Logs));
    }

    /// <summary>A second cluster with a copy of this one's objects, to follow another branch of a run.</summary>
    public async Task<RealCluster> ForkAsync()
    {
        var api = await KubeApi.StartAsync(Api.Store.Clone());
        return new RealCluster(api, Helm, Directory.CreateTempSubdirectory("kata-real-").FullName, Registry, Chart);
    }

    public static RbacTarget Target() => new(WorkflowNamespace, HelmNamespace, VerificationNamespace, Release, "");

    /// <summary>This chart's ServiceAccount and RBAC for the target, as JSON objects.</summary>
    public static IEnumerable<JsonObject> RbacObjects(RbacTarget target)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = LifecycleKeys.TemplateName };
        yield return JsonNode.Parse(KubernetesJson.Serialize(RbacManifests.ServiceAccount(target, labels)))!.AsObject();
        foreach (var obj in RbacManifests.Rbac(target, labels))
            yield return JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
    }

    /// <summary>The workflow's ClusterRole or Role (by scope) as stored, to take a permission away.</summary>
    public void ChangeRole(string kind, string name, string ns, Action<JsonArray> change)
    {
        var plural = kind == "ClusterRole" ? "clusterroles" : "roles";
        var role = Api.Store.Get("rbac.authorization.k8s.io", plural, ns, name)!;
        change((JsonArray)role["rules"]!);
        Api.Seed(role);
    }

    /// <summary>What kata-deploy logs once it has installed Kata (3.29.0 binary/src/main.rs:228, every version since).</summary>
    public const string InstalledLogLine = "Kata Containers installation completed successfully";

    /// <summary>
    /// Every node's kata-deploy pod replaced by one on the DaemonSet's updated revision, with the
    /// template's containers (the chart's probes), Ready and, when INSTALLED, done installing: it
    /// has logged <see cref="InstalledLogLine"/> (what recycle does).
    /// </summary>
    public void RecycleAll(bool installed = true)
    {
        var ds = Api.Store.Get("apps", "daemonsets", HelmNamespace, DaemonSet)!;
        var hash = Api.UpdatedRevision(HelmNamespace, DaemonSet);
        foreach (var pod in Api.Store.List("", "pods", HelmNamespace))
        {
            Api.Store.Delete("", "pods", HelmNamespace, (string)pod["metadata"]!["name"]!);
            Api.Logs.TryRemove($"{HelmNamespace}/{pod["metadata"]!["name"]}", out _);
        }
        foreach (var node in Nodes)
        {
            var labels = ds["spec"]!["selector"]!["matchLabels"]!.DeepClone().AsObject();
            labels["controller-revision-hash"] = hash;
            Api.Seed(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Pod",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"kata-deploy-{node}-{hash[..5]}", ["namespace"] = HelmNamespace, ["labels"] = labels,
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet", ["name"] = DaemonSet, ["uid"] = (string?)ds["metadata"]!["uid"], ["controller"] = true,
                    }),
                },
                ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = ds["spec"]!["template"]!["spec"]!["containers"]!.DeepClone() },
                ["status"] = new JsonObject
                {
                    ["phase"] = "Running",
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
                },
            });
            if (installed)
                Api.Logs[$"{HelmNamespace}/kata-deploy-{node}-{hash[..5]}"] = $"{InstalledLogLine}\nInstall completed, daemonset mode: waiting for SIGTERM\n";
        }
    }

    /// <summary>Names of the kata-deploy pods (on the updated revision after <see cref="RecycleAll"/>).</summary>
    public IEnumerable<string> KataDeployPods() =>
        Api.Store.List("", "pods", HelmNamespace).Select(p => (string)p["metadata"]!["name"]!);

    /// <summary>
    /// What <c>kata-argo plan</c> reports of stage's upgrade to TARGET: the release read from its
    /// Helm Secret, the target rendered by this cluster's real Helm against the API (as an admin).
    /// </summary>
    public async Task<ClusterChangeReport> PlanChangesAsync(string target)
    {
        var home = Path.Combine(Root, "plan");
        Directory.CreateDirectory(home);
        var kubeconfig = Api.WriteKubeconfig(home, ApiUser.Admin);
        var connection = ConnectionSettings.ResolveKubernetes(new ConnectionFlags { Kube = true, KubeConfig = kubeconfig }, _ => null, argoServerAlternative: false);
        using var transport = new KubernetesTransport(connection, TimeProvider.System);
        var helm = new HelmTemplate(Helm.Path, new Dictionary<string, string?>
        {
            ["HOME"] = home, ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["SSL_CERT_FILE"] = Registry.CertificateFile,
        }, KubeConfig: kubeconfig);
        return await StagedChanges.ForPlanAsync(transport, helm, Release, HelmNamespace, Chart, target, DaemonSet, CancellationToken.None);
    }

    public JsonObject DaemonSetObject() => Api.Store.Get("apps", "daemonsets", HelmNamespace, DaemonSet)!;

    /// <summary>Runs the real helm as a cluster admin (to prepare or inspect the cluster).</summary>
    public StepResult Admin(params string[] helmArgs) =>
        Execute("helm-admin", Helm.Path, helmArgs, ApiUser.Admin, new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(Root, "admin"),
        });

    /// <summary>Runs the real kubectl as the user (the workflow's ServiceAccount unless given).</summary>
    public StepResult Kubectl(ApiUser? user, params string[] args) =>
        Execute("kubectl", RealTools.Require(RealTool.Kubectl), args, user ?? Workflow, new Dictionary<string, string> { ["HOME"] = Path.Combine(Root, "kubectl") });

    /// <summary>Runs the real helm as the workflow's ServiceAccount, as a step would.</summary>
    public StepResult HelmAs(ApiUser? user, params string[] args) =>
        Execute("helm", Helm.Path, args, user ?? Workflow, new Dictionary<string, string> { ["HOME"] = Path.Combine(Root, "helm") });

    /// <summary>Runs a step as its template does (<c>bash STEPS/SCRIPT</c>) with real kubectl and helm first on PATH.</summary>
    public StepResult Step(string script, IReadOnlyDictionary<string, string> env, ApiUser? user = null)
    {
        var run = Interlocked.Increment(ref _runs);
        // The steps ConfigMap as a step pod mounts it: every file of templates/steps.
        var steps = Path.Combine(Root, "steps");
        if (!Directory.Exists(steps))
        {
            Directory.CreateDirectory(steps);
            foreach (var (file, text) in StepScripts.Files)
                File.WriteAllText(Path.Combine(steps, file), text);
        }
        var all = new Dictionary<string, string>(env)
        {
            ["POLL_SECONDS"] = "0",
            ["OUTPUT_DIR"] = Path.Combine(Root, $"outputs-{run:D3}"),
            ["TERMINATION_LOG"] = Path.Combine(Root, $"termination-{run:D3}"),
            ["ARGO_PROGRESS_FILE"] = Path.Combine(Root, $"progress-{run:D3}"),
        };
        return Execute(script, "bash", [Path.Combine(steps, script)], user ?? Workflow, all, Path.Combine(Root, $"outputs-{run:D3}"));
    }

    /// <summary>Starts the real helm as a cluster admin without waiting for it (to kill it halfway).</summary>
    public Process StartAdmin(params string[] helmArgs)
    {
        var process = Process.Start(StartInfo(Helm.Path, helmArgs, ApiUser.Admin, new Dictionary<string, string> { ["HOME"] = Path.Combine(Root, "admin") }))!;
        process.StandardInput.Close();
        return process;
    }

    private StepResult Execute(string label, string file, IEnumerable<string> args, ApiUser user, IReadOnlyDictionary<string, string> env, string? outputs = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(file, args, user, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{label} did not finish within 120s:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        var values = outputs is not null && Directory.Exists(outputs)
            ? Directory.GetFiles(outputs).ToDictionary(f => Path.GetFileName(f), File.ReadAllText) : [];
        return new StepResult(label, null, process.ExitCode, stdout.Result, stderr.Result, values, clock.Elapsed);
    }

    private ProcessStartInfo StartInfo(string file, IEnumerable<string> args, ApiUser user, IReadOnlyDictionary<string, string> env)
    {
        var tmp = Path.Combine(Root, "tmp");
        var bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(tmp);
        if (!Directory.Exists(bin))
        {
            Directory.CreateDirectory(bin);
            File.CreateSymbolicLink(Path.Combine(bin, "helm"), Helm.Path);
            File.CreateSymbolicLink(Path.Combine(bin, "kubectl"), RealTools.Require(RealTool.Kubectl));
        }
        var kubeconfigDir = Path.Combine(Root, "users", user.Name.Replace(':', '_'));
        Directory.CreateDirectory(kubeconfigDir);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment.Clear();
        start.Environment["PATH"] = $"{bin}:/usr/local/bin:/usr/bin:/bin";
        start.Environment["KUBECONFIG"] = Api.WriteKubeconfig(kubeconfigDir, user);
        start.Environment["SSL_CERT_FILE"] = Registry.CertificateFile;
        start.Environment["TMPDIR"] = tmp;
        foreach (var (k, v) in env)
            start.Environment[k] = v;
        return start;
    }

    private static JsonObject Obj(string apiVersion, string kind, string name, string? ns, JsonObject? meta = null)
    {
        var m = meta ?? [];
        m["name"] = name;
        if (ns is not null)
            m["namespace"] = ns;
        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = m };
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        if (Environment.GetEnvironmentVariable("KATA_TEST_KEEP") != "1")
            Directory.Delete(Root, recursive: true);
    }
}

public static class StepResultAssertions
{
    public static StepResult AssertSucceeded(this StepResult result)
    {
        Assert.True(result.Succeeded, result.ToString());
        return result;
    }
}
