using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>Sizes of the Workflow object at the end of a run, in bytes of Go JSON.</summary>
/// <param name="Raw"><c>json.Marshal(workflow)</c> with <c>status.nodes</c> inline: what the controller first compares with the limit.</param>
/// <param name="Nodes">The <c>status.nodes</c> map alone.</param>
/// <param name="CompressedNodes"><c>status.compressedNodes</c>: base64 of gzip of the nodes.</param>
/// <param name="Compressed">The Workflow with <c>compressedNodes</c> instead of <c>nodes</c>.</param>
/// <param name="StoredSpec"><c>status.storedWorkflowTemplateSpec</c>.</param>
/// <param name="GlobalOutputs"><c>status.outputs</c>: the global outputs, never compressed.</param>
public sealed record WorkflowSizes(long Raw, long Nodes, long CompressedNodes, long Compressed, long StoredSpec, long GlobalOutputs)
{
    /// <summary>What the controller writes: the raw object when it fits, else the compressed one (packer.CompressWorkflowIfNeeded).</summary>
    public long Stored => Raw <= ArgoController.WorkflowSize.Bytes ? Raw : Compressed;

    /// <summary>Bytes left under MAX_WORKFLOW_SIZE; negative when the controller marks the run Error.</summary>
    public long Margin => ArgoController.WorkflowSize.Bytes - Stored;
}

/// <summary>
/// The Workflow object the controller holds at the end of the run: <c>argo submit --from
/// workflowtemplate/NAME</c>'s spec (<c>workflowTemplateRef</c> and the submitted parameters),
/// Argo's labels and annotation, and the status: phase, times, progress, nodes, the stored template
/// spec, global outputs, conditions, resource durations, the mutex held, the artifact repository
/// reference. <c>metadata.managedFields</c> is left out: the controller's informer strips it
/// (util/informer/transform.go) before it measures.
/// </summary>
public static class WorkflowObject
{
    /// <summary>gzip level of klauspost/pgzip's default (flate level 5), Argo's default compressor.</summary>
    public const int GzipLevel = 5;

    /// <summary>Sizes of the run's Workflow; <paramref name="gzipLevel"/> 6 models <c>GZIP_IMPLEMENTATION=GZip</c> (Go's compress/gzip default).</summary>
    public static WorkflowSizes Measure(RecordedRun run, int gzipLevel = GzipLevel)
    {
        var skeleton = Skeleton(run);
        var (nodes, gzip) = NodesJson(run, gzipLevel);
        var withEmptyNodes = GoJson.Size(skeleton);
        var raw = withEmptyNodes - 2 + nodes;
        var base64 = (gzip + 2) / 3 * 4;
        var compressed = withEmptyNodes - "\"nodes\":{}".Length + "\"compressedNodes\":\"\"".Length + base64;
        var status = (JsonObject)skeleton["status"]!;
        return new WorkflowSizes(raw, nodes, base64, compressed,
            GoJson.Size(status["storedWorkflowTemplateSpec"]), status["outputs"] is { } o ? GoJson.Size(o) : 0);
    }

    /// <summary>The whole Workflow as Go JSON with <c>status.nodes</c> inline, e.g. to compare with a real one.</summary>
    public static void Write(RecordedRun run, Stream output)
    {
        var skeleton = Skeleton(run);
        using var writer = new GoJsonWriter(output);
        writer.StartObject();
        foreach (var (key, value) in skeleton)
        {
            writer.Name(key);
            if (key != "status")
            {
                writer.Node(value);
                continue;
            }
            writer.StartObject();
            foreach (var (field, content) in (JsonObject)value!)
            {
                writer.Name(field);
                if (field == "nodes")
                    NodeStatusJson.WriteNodes(writer, run.Nodes);
                else
                    writer.Node(content);
            }
            writer.EndObject();
        }
        writer.EndObject();
    }

    /// <summary>The stored template spec: the WorkflowTemplate's spec merged with the submitted Workflow's (setStoredWfSpec).</summary>
    public static JsonObject StoredSpec(RecordedRun run)
    {
        var spec = (JsonObject)JsonSerializer.SerializeToNode(run.Run.Template.Spec, ArgoJson.Options)!;
        if (spec["arguments"]?["parameters"] is JsonArray parameters)
            foreach (var p in parameters.OfType<JsonObject>())
                if (run.Run.Parameters.TryGetValue(p["name"]!.GetValue<string>(), out var submitted))
                    p["value"] = submitted;
        spec["workflowTemplateRef"] = new JsonObject { ["name"] = run.Run.Template.Metadata.Name };
        return spec;
    }

    /// <summary>The Workflow as JSON with an empty <c>status.nodes</c>, in Go field order.</summary>
    public static JsonObject Skeleton(RecordedRun run)
    {
        var name = run.Run.Template.Metadata.Name;
        var created = run.Run.StartedAt.AddSeconds(-1);
        var (progress, durations) = StatusTotals.Workflow(run.Nodes);
        var status = new JsonObject
        {
            ["phase"] = run.Phase,
            ["startedAt"] = Time(run.Run.StartedAt),
            ["finishedAt"] = Time(run.FinishedAt),
        };
        if (run.Run.WithEstimates)
            status["estimatedDuration"] = (long)(run.FinishedAt - run.Run.StartedAt).TotalSeconds;
        status["progress"] = progress;
        status["nodes"] = new JsonObject();
        if (run.GlobalOutputs.Count > 0)
            status["outputs"] = new JsonObject
            {
                ["parameters"] = new JsonArray([.. run.GlobalOutputs.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["value"] = p.Value })]),
            };
        status["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "PodRunning", ["status"] = "False" },
            new JsonObject { ["type"] = "Completed", ["status"] = "True" });
        status["resourcesDuration"] = new JsonObject(durations.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)));
        status["storedWorkflowTemplateSpec"] = StoredSpec(run);
        var mutexes = run.Run.Template.Spec.Synchronization?.Mutexes ?? [];
        if (mutexes.Count > 0)
            status["synchronization"] = new JsonObject
            {
                // Dehydrate runs before the locks are released (persistUpdates), so the last write still holds them.
                ["mutex"] = new JsonObject
                {
                    ["holding"] = new JsonArray([.. mutexes.Select(m => (JsonNode)new JsonObject
                    {
                        ["mutex"] = $"{run.Run.Namespace}/Mutex/{Expressions.Substitute(m.Name ?? "", p => p.StartsWith("workflow.parameters.", StringComparison.Ordinal) ? run.Parameters.GetValueOrDefault(p[20..]) : null)}",
                        ["holder"] = run.WorkflowName,
                    })]),
                },
            };
        status["artifactRepositoryRef"] = new JsonObject { ["default"] = true, ["artifactRepository"] = new JsonObject() };

        return new JsonObject
        {
            ["kind"] = "Workflow",
            ["apiVersion"] = "argoproj.io/v1alpha1",
            ["metadata"] = new JsonObject
            {
                ["name"] = run.WorkflowName,
                ["generateName"] = name + "-",
                ["namespace"] = run.Run.Namespace,
                ["uid"] = run.Run.Uid,
                ["resourceVersion"] = "184467213",
                ["generation"] = run.Entries.Count * 2,
                ["creationTimestamp"] = Time(created),
                ["labels"] = new JsonObject
                {
                    ["workflows.argoproj.io/completed"] = "true",
                    ["workflows.argoproj.io/creator"] = "system-serviceaccount-argo-argo-server",
                    ["workflows.argoproj.io/phase"] = run.Phase,
                    ["workflows.argoproj.io/workflow-template"] = name,
                },
                ["annotations"] = new JsonObject { ["workflows.argoproj.io/pod-name-format"] = "v2" },
            },
            ["spec"] = new JsonObject
            {
                ["arguments"] = new JsonObject
                {
                    ["parameters"] = new JsonArray([.. run.Run.Parameters.Select(p => (JsonNode)new JsonObject { ["name"] = p.Key, ["value"] = p.Value })]),
                },
                ["workflowTemplateRef"] = new JsonObject { ["name"] = name },
            },
            ["status"] = status,
        };
    }

    /// <summary>Bytes of <c>status.nodes</c> and of its gzip, streamed (a large fleet's nodes run to hundreds of MB).</summary>
    private static (long Json, long Gzip) NodesJson(RecordedRun run, int gzipLevel)
    {
        var gzipCount = new CountingStream();
        var jsonCount = new CountingStream();
        using (var gzip = new GZipStream(gzipCount, new ZLibCompressionOptions { CompressionLevel = gzipLevel }, leaveOpen: true))
        using (var tee = new BufferedStream(new TeeStream(jsonCount, gzip), 1 << 16))
        using (var writer = new GoJsonWriter(tee))
            NodeStatusJson.WriteNodes(writer, run.Nodes);
        return (jsonCount.Length, gzipCount.Length);
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class TeeStream(Stream first, Stream second) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        // Only the counter: flushing gzip mid-stream would add sync-flush bytes Argo does not write.
        public override void Flush() => first.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            first.Write(buffer, offset, count);
            second.Write(buffer, offset, count);
        }
    }
}
