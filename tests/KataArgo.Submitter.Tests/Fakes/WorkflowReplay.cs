using System.Text.Json.Nodes;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// A recorded run (fixtures/*-run.json: the final Workflow object, as the Argo server returned it)
/// played back over time: the state at a moment keeps only the nodes started by then, shows the
/// ones not yet finished as Running, and the workflow Running until its own end. A running
/// upgrade-node pod shows the progress it had reported by then (fixtures/*-run.progress.json:
/// per fleet node, each progress N/5 and when the executor reported it). Moments are the recorded
/// start and finish times and those reports, so step k of the replay is the k-th change Argo made.
/// </summary>
public sealed class WorkflowReplay
{
    private readonly JsonObject _final;
    private readonly List<DateTimeOffset> _moments;
    private readonly Dictionary<string, List<(DateTimeOffset At, string Progress)>> _progress;

    public WorkflowReplay(JsonObject final, Dictionary<string, List<(DateTimeOffset At, string Progress)>>? progress = null)
    {
        _final = final;
        _progress = progress ?? [];
        _moments = [.. Nodes(final).SelectMany(n => new[] { Time(n["startedAt"]), Time(n["finishedAt"]) })
            .Append(Time(final["status"]!["finishedAt"]))
            .Concat(_progress.Values.SelectMany(p => p.Select(o => (DateTimeOffset?)o.At)))
            .OfType<DateTimeOffset>().Distinct().Order()];
    }

    public static WorkflowReplay Load(string scenario, string? name = null)
    {
        var text = File.ReadAllText(Fixture($"{scenario}-run.json"));
        var final = JsonNode.Parse(text)!.AsObject();
        var recorded = (string)final["metadata"]!["name"]!;
        if (name is not null && name != recorded)
            final = JsonNode.Parse(text.Replace(recorded, name))!.AsObject();
        var progressFile = Fixture($"{scenario}-run.progress.json");
        var progress = File.Exists(progressFile)
            ? JsonNode.Parse(File.ReadAllText(progressFile))!.AsObject().ToDictionary(
                p => p.Key, p => p.Value!.AsArray().Select(o => (Time(o!["at"])!.Value, (string)o["progress"]!)).ToList())
            : null;
        return new WorkflowReplay(final, progress);
    }

    public static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", file);

    public string Name => (string)_final["metadata"]!["name"]!;

    /// <summary>The number of states; the last is the recorded end.</summary>
    public int Steps => _moments.Count;

    public DateTimeOffset Moment(int step) => _moments[Math.Clamp(step, 0, _moments.Count - 1)];

    /// <summary>The Workflow as the server answers a submission: no status yet.</summary>
    public JsonObject Submitted()
    {
        var workflow = _final.DeepClone().AsObject();
        workflow.Remove("status");
        var metadata = workflow["metadata"]!.AsObject();
        metadata["resourceVersion"] = "41002";
        metadata["generation"] = 1;
        metadata.Remove("managedFields");
        var labels = metadata["labels"]!.AsObject();
        labels.Remove("workflows.argoproj.io/completed");
        labels.Remove("workflows.argoproj.io/phase");
        return workflow;
    }

    /// <summary>The Workflow at step <paramref name="step"/> (clamped to the last).</summary>
    public JsonObject At(int step)
    {
        if (step >= _moments.Count - 1)
            return _final.DeepClone().AsObject();
        var now = _moments[Math.Max(step, 0)];
        var workflow = _final.DeepClone().AsObject();
        var status = workflow["status"]!.AsObject();
        var nodes = status["nodes"]!.AsObject();
        foreach (var (id, node) in nodes.ToList())
        {
            if (Time(node!["startedAt"]) > now)
                nodes.Remove(id);
            else if (Time(node["finishedAt"]) is { } finished && finished > now)
                Unfinish(node.AsObject(), ReportedProgress(node.AsObject(), now));
        }
        foreach (var (_, node) in nodes)
        {
            foreach (var list in new[] { "children", "outboundNodes" })
                if (node![list] is JsonArray ids)
                    node[list] = new JsonArray([.. ids.Select(i => (string)i!).Where(nodes.ContainsKey).Select(i => JsonValue.Create(i))]);
        }
        status["phase"] = "Running";
        status.Remove("finishedAt");
        status.Remove("message");
        status["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodRunning", ["status"] = "True" });
        var pods = Nodes(workflow).Where(n => (string?)n["type"] == "Pod").ToList();
        status["progress"] = $"{pods.Count(p => (string?)p["phase"] == "Succeeded")}/{pods.Count}";
        var finishedOutputs = pods.Where(p => (string?)p["phase"] == "Succeeded")
            .SelectMany(p => p["outputs"]?["parameters"]?.AsArray().Select(x => (string)x!["name"]!) ?? []).ToHashSet();
        if (status["outputs"]?["parameters"] is JsonArray globals)
            status["outputs"]!["parameters"] = new JsonArray([.. globals.Where(g => finishedOutputs.Contains((string)g!["name"]!)).Select(g => g!.DeepClone())]);
        status.Remove("taskResultsCompletionStatus");
        var labels = workflow["metadata"]!["labels"]!.AsObject();
        labels.Remove("workflows.argoproj.io/completed");
        labels["workflows.argoproj.io/phase"] = "Running";
        workflow["metadata"]!["resourceVersion"] = (41002 + step * 7).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The controller's write that produced this state.
        foreach (var field in workflow["metadata"]!["managedFields"]?.AsArray() ?? [])
            if ((string?)field!["manager"] == "workflow-controller")
                field["time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return workflow;
    }

    private static void Unfinish(JsonObject node, string? progress)
    {
        node["phase"] = "Running";
        foreach (var key in new[] { "finishedAt", "outputs", "message", "resourcesDuration", "outboundNodes", "taskResultSynced" })
            node.Remove(key);
        if (progress is not null)
            node["progress"] = progress;
        else if (node.ContainsKey("progress"))
            node["progress"] = "0/1";
    }

    /// <summary>The last progress a fleet node's pod (or its Retry node) had reported by <paramref name="now"/>.</summary>
    private string? ReportedProgress(JsonObject node, DateTimeOffset now)
    {
        var fleetNode = node["inputs"]?["parameters"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == "node")?["value"];
        if ((string?)node["templateName"] != "upgrade-node" || fleetNode is null || !_progress.TryGetValue((string)fleetNode!, out var reports))
            return null;
        return reports.LastOrDefault(r => r.At <= now).Progress;
    }

    private static IEnumerable<JsonObject> Nodes(JsonObject workflow) =>
        workflow["status"]?["nodes"]?.AsObject().Select(p => p.Value!.AsObject()) ?? [];

    private static DateTimeOffset? Time(JsonNode? value) => value is null ? null : DateTimeOffset.Parse((string)value!, System.Globalization.CultureInfo.InvariantCulture);
}
