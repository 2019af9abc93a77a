using System.Text.Json.Nodes;
using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>Read access to the doubles' cluster state, for assertions.</summary>
public sealed class ClusterState(JsonObject root)
{
    public JsonObject Root => root;

    public static ClusterState Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!.AsObject());

    public NodeView Node(string name) =>
        new(root["nodes"]!.AsArray().Select(n => n!.AsObject()).Single(n => (string)n["metadata"]!["name"]! == name));

    public IReadOnlyList<NodeView> Nodes => [.. root["nodes"]!.AsArray().Select(n => new NodeView(n!.AsObject()))];

    /// <summary>The pods of a kata-deploy DaemonSet on a node.</summary>
    public IReadOnlyList<PodView> PodsOn(string node, string daemonset = "kata-deploy") =>
        [.. Pods.Where(p => p.Node == node && p.Labels.GetValueOrDefault("name") == daemonset)];

    public PodView PodOn(string node, string daemonset = "kata-deploy") => Assert.Single(PodsOn(node, daemonset));

    public IReadOnlyList<PodView> Pods => [.. root["pods"]!.AsArray().Select(p => new PodView(p!.AsObject()))];

    public IReadOnlyList<Revision> History(string release = Cluster.DefaultRelease) =>
        [.. root["releases"]!.AsArray().Single(r => (string)r!["name"]! == release)!["history"]!.AsArray()
            .Select(h => new Revision((int)h!["revision"]!, ((string)h["chart"]!)["kata-deploy-".Length..], (string)h["status"]!,
                h["config"]?.DeepClone().AsObject()))
            .OrderBy(r => r.Number)];

    public JsonObject DaemonSet(string name = "kata-deploy") =>
        root["daemonsets"]!.AsArray().Select(d => d!.AsObject()).Single(d => (string)d["metadata"]!["name"]! == name);

    public string UpdateStrategy(string daemonset = "kata-deploy") => (string)DaemonSet(daemonset)["spec"]!["updateStrategy"]!["type"]!;

    public IReadOnlyDictionary<string, string>? Record(string run, string ns = "argo") =>
        ConfigMap(ns, LifecycleKeys.RunRecordPrefix + run)?["data"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    public JsonObject? ConfigMap(string ns, string name) =>
        root["configmaps"]!.AsArray().Select(c => c!.AsObject())
            .SingleOrDefault(c => (string)c["metadata"]!["name"]! == name && (string)c["metadata"]!["namespace"]! == ns);

    /// <summary>Everything a run changes, without the doubles' read counters: equal views mean equal clusters.</summary>
    public string Snapshot()
    {
        var copy = root.DeepClone().AsObject();
        copy.Remove("seq");
        copy.Remove("failures");
        foreach (var pod in copy["pods"]!.AsArray())
            pod!.AsObject().Remove("x");
        foreach (var ds in copy["daemonsets"]!.AsArray())
            ds!["x"]!.AsObject().Remove("lag");
        return copy.ToJsonString();
    }
}

public sealed class NodeView(JsonObject node)
{
    public string Name => (string)node["metadata"]!["name"]!;
    public IReadOnlyDictionary<string, string> Labels => Map(node["metadata"]!["labels"]);
    public IReadOnlyDictionary<string, string> Annotations => Map(node["metadata"]!["annotations"]);
    public bool Unschedulable => (bool?)node["spec"]?["unschedulable"] ?? false;
    public string? Status => Annotations.GetValueOrDefault(LifecycleKeys.Status);
    public string? StatusLabel => Labels.GetValueOrDefault(LifecycleKeys.Status);
    public string? Version => Annotations.GetValueOrDefault(LifecycleKeys.CurrentVersion);
    public string? VersionLabel => Labels.GetValueOrDefault(LifecycleKeys.CurrentVersion);
    public string? RunLabel => Labels.GetValueOrDefault(LifecycleKeys.Run);

    private static Dictionary<string, string> Map(JsonNode? map) =>
        map?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];
}

public sealed class PodView(JsonObject pod)
{
    public string Name => (string)pod["metadata"]!["name"]!;
    public string Namespace => (string)pod["metadata"]!["namespace"]!;
    public string? Node => (string?)pod["spec"]?["nodeName"];
    public IReadOnlyDictionary<string, string> Labels =>
        pod["metadata"]!["labels"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];
    public string? Hash => Labels.GetValueOrDefault("controller-revision-hash");
    public bool Ready => (int?)pod["x"]?["readyIn"] == 0;
}
