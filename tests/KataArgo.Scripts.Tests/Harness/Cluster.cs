using System.Text.Json.Nodes;
using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// Builds the JSON cluster state the kubectl and helm doubles read and write (doubles/README in
/// ../README.md): nodes, kata-deploy releases with their DaemonSet, ControllerRevisions and pods,
/// and the behaviour knobs (readiness, verification phases, injected failures).
/// </summary>
public sealed class Cluster
{
    public const string DefaultNamespace = "kube-system";
    public const string DefaultRelease = "kata-deploy";

    private readonly JsonObject _state = new()
    {
        ["nodes"] = new JsonArray(),
        ["daemonsets"] = new JsonArray(),
        ["controllerrevisions"] = new JsonArray(),
        ["pods"] = new JsonArray(),
        ["configmaps"] = new JsonArray(),
        ["events"] = new JsonArray(),
        ["releases"] = new JsonArray(),
        ["failures"] = new JsonArray(),
        ["seq"] = 0,
        ["knobs"] = new JsonObject
        {
            ["charts"] = new JsonArray("3.28.0", "3.29.0", "3.29.1", "3.30.0", "3.31.0", "3.32.0"),
            ["nodes"] = new JsonObject(),
            ["verification"] = new JsonObject { ["nodes"] = new JsonObject() },
            ["conversions"] = new JsonObject(),
        },
    };

    private Cluster()
    {
        foreach (var manifest in VerificationPods.All)
            WithManifest(manifest);
    }

    public JsonObject State => _state;

    public static Cluster WithNodes(params string[] names)
    {
        var cluster = new Cluster();
        foreach (var name in names)
            cluster.AddNode(name);
        return cluster;
    }

    public Cluster AddNode(string name)
    {
        Array("nodes").Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name },
                ["annotations"] = new JsonObject(),
            },
            ["spec"] = new JsonObject(),
        });
        return this;
    }

    /// <summary>
    /// A kata-deploy release at one revision (or the given history), its DaemonSet
    /// <c>kata-deploy[-suffix]</c> owned through Helm's annotations, and a Ready pod of the
    /// current version on every node except <paramref name="without"/>.
    /// </summary>
    public Cluster WithRelease(string version, string release = DefaultRelease, string ns = DefaultNamespace,
        string? suffix = null, JsonObject? values = null, Revision[]? history = null, string[]? without = null,
        bool daemonSet = true)
    {
        var revisions = history ?? [new Revision(1, version, "deployed", values)];
        var daemonset = suffix is null ? "kata-deploy" : $"kata-deploy-{suffix}";
        Array("releases").Add(new JsonObject
        {
            ["name"] = release,
            ["namespace"] = ns,
            ["daemonset"] = daemonSet ? daemonset : null,
            ["history"] = new JsonArray([.. revisions.Select(r => r.ToJson())]),
        });
        if (!daemonSet)
            return this;

        // A release no revision of which is deployed (a killed first install) runs what its latest applied.
        var current = revisions.OrderBy(r => r.Number).LastOrDefault(r => r.Status == "deployed") ?? revisions.MaxBy(r => r.Number)!;
        var strategyType = (string?)current.Config?["updateStrategy"]?["type"] ?? "RollingUpdate";
        var uid = $"ds-uid-{ns}-{daemonset}";
        var hash = HashOf(current.Version);
        AddDaemonSet(daemonset, ns, uid, release, strategyType == "RollingUpdate"
            ? new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 } }
            : new JsonObject { ["type"] = strategyType }, current.Version);
        Array("controllerrevisions").Add(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ControllerRevision",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{daemonset}-{hash}",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["name"] = daemonset, ["controller-revision-hash"] = hash },
                ["ownerReferences"] = new JsonArray(Owner(daemonset, uid)),
            },
            ["revision"] = 1,
        });
        foreach (var node in NodeNames().Except(without ?? []))
            AddDaemonSetPod(daemonset, ns, uid, node, hash, current.Version);
        return this;
    }

    /// <summary>Another DaemonSet of the release (kata-monitor, node-feature-discovery's worker).</summary>
    public Cluster WithOtherDaemonSet(string name, string release = DefaultRelease, string ns = DefaultNamespace)
    {
        AddDaemonSet(name, ns, $"ds-uid-{ns}-{name}", release,
            new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1 } }, "0.0.0");
        return this;
    }

    public Cluster Cordoned(string node)
    {
        Node(node)["spec"]!["unschedulable"] = true;
        return this;
    }

    public Cluster Label(string node, string key, string value)
    {
        Node(node)["metadata"]!["labels"]![key] = value;
        return this;
    }

    public Cluster Annotate(string node, string key, string value)
    {
        Node(node)["metadata"]!["annotations"]![key] = value;
        return this;
    }

    public Cluster Taint(string node, string key, string value = "", string effect = "NoSchedule")
    {
        var spec = Node(node)["spec"]!.AsObject();
        var taints = spec["taints"]?.AsArray() ?? (JsonArray)(spec["taints"] = new JsonArray());
        taints.Add(new JsonObject { ["key"] = key, ["value"] = value, ["effect"] = effect });
        return this;
    }

    /// <summary>A new kata-deploy pod on the node is Ready from its (polls + 1)-th read on (default: the first).</summary>
    public Cluster ReadyAfter(string node, int polls)
    {
        NodeKnobs(node)["readyAfter"] = polls;
        return this;
    }

    /// <summary>A new kata-deploy pod of this version never becomes Ready on the node.</summary>
    public Cluster NeverReady(string node, string version, string? logs = null)
    {
        var knobs = NodeKnobs(node);
        (knobs["neverReady"] ??= new JsonArray()).AsArray().Add(version);
        if (logs is not null)
            knobs["logs"] = logs;
        return this;
    }

    /// <summary>Phases a verification pod shows, one per read; the last one stays.</summary>
    public Cluster Verification(params string[] phases)
    {
        Knobs("verification")["default"] = new JsonArray([.. phases.Select(p => JsonValue.Create(p))]);
        return this;
    }

    public Cluster VerificationOn(string node, params string[] phases)
    {
        Knobs("verification")["nodes"]![node] = new JsonArray([.. phases.Select(p => JsonValue.Create(p))]);
        return this;
    }

    public Cluster VerificationLogs(string logs)
    {
        Knobs("verification")["logs"] = logs;
        return this;
    }

    /// <summary>The call whose joined argv contains <paramref name="match"/> fails (times: -1 for always).</summary>
    public Cluster Fail(string tool, string match, string stderr, int times = 1, int exit = 1, string? unless = null)
    {
        Array("failures").Add(new JsonObject
        {
            ["tool"] = tool, ["match"] = match, ["stderr"] = stderr, ["times"] = times, ["exit"] = exit, ["unless"] = unless,
        });
        return this;
    }

    /// <summary>The DaemonSet controller observes a new spec only after this many reads of the DaemonSet.</summary>
    public Cluster SyncLag(int reads)
    {
        _state["knobs"]!["syncLag"] = reads;
        return this;
    }

    public Cluster WithManifest(string yaml)
    {
        var (sha, conversion) = VerificationPods.Conversion(yaml);
        Knobs("conversions")[sha] = conversion;
        return this;
    }

    public Cluster WithConfigMap(JsonObject configMap)
    {
        Array("configmaps").Add(configMap);
        return this;
    }

    /// <summary>The kata-deploy pods on NODES run VERSION's revision (e.g. not yet recycled to the updated one).</summary>
    public Cluster WithPodsOn(string version, string[] nodes, string daemonset = "kata-deploy")
    {
        foreach (var pod in Array("pods").Select(p => p!.AsObject()))
            if (nodes.Contains((string?)pod["spec"]!["nodeName"]) && (string?)pod["metadata"]!["labels"]!["name"] == daemonset)
            {
                pod["metadata"]!["labels"]!["controller-revision-hash"] = HashOf(version);
                pod["x"]!["version"] = version;
            }
        return this;
    }

    public Cluster WithPod(JsonObject pod)
    {
        Array("pods").Add(pod);
        return this;
    }

    public void Save(string path) => File.WriteAllText(path, _state.ToJsonString());

    public static string HashOf(string version) => "v" + string.Concat(version.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));

    private void AddDaemonSet(string name, string ns, string uid, string release, JsonObject strategy, string version) =>
        Array("daemonsets").Add(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = uid,
                ["generation"] = 1,
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "Helm" },
                ["annotations"] = new JsonObject
                {
                    ["meta.helm.sh/release-name"] = release,
                    ["meta.helm.sh/release-namespace"] = ns,
                },
            },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["name"] = name } },
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["name"] = name } } },
                ["updateStrategy"] = strategy,
            },
            ["status"] = new JsonObject { ["observedGeneration"] = 1 },
            ["x"] = new JsonObject { ["hash"] = HashOf(version), ["version"] = version, ["lag"] = 0 },
        });

    private void AddDaemonSetPod(string daemonset, string ns, string uid, string node, string hash, string version)
    {
        var seq = (int)_state["seq"]! + 1;
        _state["seq"] = seq;
        Array("pods").Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{daemonset}-{seq}",
                ["namespace"] = ns,
                ["uid"] = $"pod-uid-{seq}",
                ["labels"] = new JsonObject { ["name"] = daemonset, ["controller-revision-hash"] = hash },
                ["ownerReferences"] = new JsonArray(Owner(daemonset, uid)),
            },
            ["spec"] = new JsonObject { ["nodeName"] = node },
            ["status"] = new JsonObject { ["phase"] = "Running" },
            ["x"] = new JsonObject { ["readyIn"] = 0, ["version"] = version, ["logs"] = $"kata-deploy {version}: install complete" },
        });
    }

    private static JsonObject Owner(string daemonset, string uid) => new()
    {
        ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet", ["name"] = daemonset, ["uid"] = uid, ["controller"] = true,
    };

    private IEnumerable<string> NodeNames() => Array("nodes").Select(n => (string)n!["metadata"]!["name"]!).ToList();

    private JsonObject Node(string name) =>
        Array("nodes").Select(n => n!.AsObject()).Single(n => (string)n["metadata"]!["name"]! == name);

    private JsonObject NodeKnobs(string node) => (Knobs("nodes")[node] ??= new JsonObject()).AsObject();

    private JsonObject Knobs(string name) => _state["knobs"]![name]!.AsObject();

    private JsonArray Array(string name) => _state[name]!.AsArray();
}

/// <summary>One revision of a Helm release: chart kata-deploy-VERSION with user-supplied values.</summary>
public sealed record Revision(int Number, string Version, string Status, JsonObject? Config = null)
{
    public string Chart { get; init; } = $"kata-deploy-{Version}";

    public JsonObject ToJson() => new()
    {
        ["revision"] = Number,
        ["status"] = Status,
        ["chart"] = Chart,
        ["app_version"] = Version,
        ["chartRef"] = WorkflowParameters.DefaultKataDeployChart,
        ["updated"] = "2029-12-31T00:00:00Z",
        ["description"] = Number == 1 ? "Install complete" : "Upgrade complete",
        ["config"] = Config?.DeepClone() ?? new JsonObject(),
    };
}
