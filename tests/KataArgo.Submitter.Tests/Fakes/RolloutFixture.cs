using System.Text.Json.Nodes;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// A rollout of release kata-deploy (kube-system) from 3.29.0 to 3.30.0 in the fake cluster, as
/// the step scripts leave it: the record ConfigMap in the workflow namespace, the staged
/// DaemonSet revision (a newer ControllerRevision), the kata-deploy pods of the upgraded nodes
/// on it, and the rollout label on the nodes the rollout touched.
/// </summary>
public static class RolloutFixture
{
    public const string Id = "kata-lifecycle-manager-c4nry";
    public const string SecondRun = "kata-lifecycle-manager-7xk2p";
    public const string OldHash = "6d9f7c8b5d";
    public const string StagedHash = "8b7c5d4f9a";

    /// <summary>The record's data as stage writes it for the opening run.</summary>
    public static Dictionary<string, string> Data(string phase = "staged", params string[] laterRuns) => new()
    {
        ["rollout"] = Id,
        ["release"] = "kata-deploy",
        ["namespace"] = "kube-system",
        ["chart"] = "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy",
        ["daemonset"] = "kata-deploy",
        ["pre-rollout-revision"] = "3",
        ["pre-rollout-version"] = "3.29.0",
        ["pre-rollout-update-strategy"] = """{"rollingUpdate":{"maxSurge":0,"maxUnavailable":1},"type":"RollingUpdate"}""",
        ["target-version"] = "3.30.0",
        ["staged-revision"] = "4",
        ["phase"] = phase,
        ["runs"] = string.Join("\n", [Id, .. laterRuns]),
        ["drain"] = "false",
        ["drain-timeout"] = "300s",
        ["verification-namespace"] = "default",
    };

    /// <param name="onStaged">Nodes whose kata-deploy pod runs the staged revision.</param>
    /// <param name="touched">Nodes carrying the rollout label (default: <paramref name="onStaged"/>).</param>
    /// <param name="rolledBackTemplate">The rollback's helm upgrade happened: the DaemonSet's template is the pre-rollout one again, its revision the newest.</param>
    public static void Apply(FakeKubernetesApi api, IReadOnlyDictionary<string, string>? data, string[] onStaged, string[]? touched = null,
        bool rolledBackTemplate = false, string workflowNamespace = "argo", string? label = Id)
    {
        var cluster = api.Cluster;
        if (data is not null)
        {
            var labels = label is null ? new JsonObject() : new JsonObject { [RolloutRecord.Label] = label };
            Add(cluster, "configMaps", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject
                {
                    ["name"] = RolloutRecord.ConfigMapName("kube-system", "kata-deploy"),
                    ["namespace"] = workflowNamespace,
                    ["uid"] = "2f3e4d5c-6b7a-4891-a2b3-c4d5e6f7a8b9",
                    ["resourceVersion"] = "41500",
                    ["labels"] = labels,
                },
                ["data"] = new JsonObject([.. data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)JsonValue.Create(d.Value)))]),
            });
        }
        var revisions = cluster["controllerRevisions"]!.AsArray();
        var old = revisions[0]!.AsObject();
        var staged = old.DeepClone().AsObject();
        staged["metadata"]!["name"] = $"kata-deploy-{StagedHash}";
        staged["metadata"]!["uid"] = "5e6f7a8b-0004-4c1d-9e2f-3a4b5c6d7e8f";
        staged["metadata"]!["labels"]!["controller-revision-hash"] = StagedHash;
        staged["data"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "quay.io/kata-containers/kata-deploy:3.30.0";
        staged["revision"] = 4;
        revisions.Add(staged);
        if (rolledBackTemplate)
            old["revision"] = 5;
        else
            SetChartVersion(cluster, "3.30.0");

        foreach (var pod in cluster["pods"]!.AsArray().Select(p => p!.AsObject()))
            if (onStaged.Contains((string?)pod["spec"]!["nodeName"]) && pod["metadata"]!["labels"]!["name"]?.GetValue<string>() == "kata-deploy")
                pod["metadata"]!["labels"]!["controller-revision-hash"] = StagedHash;
        foreach (var node in cluster["nodes"]!.AsArray().Select(n => n!.AsObject()))
            if ((touched ?? onStaged).Contains((string?)node["metadata"]!["name"]))
                node["metadata"]!["labels"]![RolloutRecord.Label] = Id;
    }

    /// <summary>The chart version Helm's labels give the kata-deploy DaemonSet, as a helm upgrade leaves them.</summary>
    public static void SetChartVersion(JsonObject cluster, string version)
    {
        var labels = cluster["daemonSets"]!.AsArray().Single(d => (string?)d!["metadata"]!["name"] == "kata-deploy")!["metadata"]!["labels"]!;
        labels["helm.sh/chart"] = $"kata-deploy-{version}";
        labels["app.kubernetes.io/version"] = version;
    }

    private static void Add(JsonObject cluster, string kind, JsonObject item)
    {
        if (cluster[kind] is not JsonArray items)
            cluster[kind] = items = [];
        items.Add(item);
    }
}
