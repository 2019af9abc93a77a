using System.Text.Json.Nodes;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// A recorded run (fixtures/*-run.json: the final Workflow object, as the Argo server returned it)
/// played back over time: the state at a moment keeps only the nodes started by then, shows the
/// ones not yet finished as Running, and the workflow Running until its own end. Moments are the
/// recorded start and finish times, so step k of the replay is the k-th change Argo made.
/// </summary>
public sealed class WorkflowReplay
{
    private readonly JsonObject _final;
    private readonly List<DateTimeOffset> _moments;

    public WorkflowReplay(JsonObject final)
    {
        _final = final;
        _moments = [.. Nodes(final).SelectMany(n => new[] { Time(n["startedAt"]), Time(n["finishedAt"]) })
            .Append(Time(final["status"]!["finishedAt"]))
            .OfType<DateTimeOffset>().Distinct().Order()];
    }

    public static WorkflowReplay Load(string scenario, string? name = null)
    {
        var text = File.ReadAllText(Fixture($"{scenario}-run.json"));
        var final = JsonNode.Parse(text)!.AsObject();
        var recorded = (string)final["metadata"]!["name"]!;
        if (name is not null && name != recorded)
            final = JsonNode.Parse(text.Replace(recorded, name))!.AsObject();
        return new WorkflowReplay(final);
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
                Unfinish(node.AsObject());
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
        return workflow;
    }

    private static void Unfinish(JsonObject node)
    {
        node["phase"] = "Running";
        foreach (var key in new[] { "finishedAt", "outputs", "message", "resourcesDuration", "outboundNodes", "taskResultSynced" })
            node.Remove(key);
        if (node.ContainsKey("progress"))
            node["progress"] = "0/1";
    }

    private static IEnumerable<JsonObject> Nodes(JsonObject workflow) =>
        workflow["status"]?["nodes"]?.AsObject().Select(p => p.Value!.AsObject()) ?? [];

    private static DateTimeOffset? Time(JsonNode? value) => value is null ? null : DateTimeOffset.Parse((string)value!, System.Globalization.CultureInfo.InvariantCulture);
}
