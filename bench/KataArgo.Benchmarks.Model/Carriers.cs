using System.Text;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>Whether a value holds the whole node list or one node's name (a loop item).</summary>
public enum CarrierKind
{
    NodeList,
    NodeName,
}

/// <summary>
/// A value that carries fleet node names: the place it lives (e.g. <c>pod</c>), whose it is (a
/// template, or a node type and template), its largest size in bytes as that place counts it, how
/// many such values the run has, and the limit that applies there.
/// </summary>
public sealed record Carrier(string Place, string? Owner, string Value, CarrierKind Kind, long Bytes, int Count, SizeLimit Limit, string? Note = null)
{
    public string Where => Owner is null ? Place : $"{Place}: {Owner}";

    public bool Fits => Bytes <= Limit.Bytes;
}

/// <summary>
/// Finds every value of a run that holds fleet node names: status inputs, outputs and names, global
/// outputs, workflow parameters, and per workflow pod its environment, arguments,
/// <c>ARGO_TEMPLATE</c>, node-name annotation and WorkflowTaskResult. A value holding two or more
/// fleet node names is a node list; one, a node name.
/// </summary>
public static partial class Carriers
{
    public static IReadOnlyList<Carrier> Find(RecordedRun run)
    {
        var fleet = new HashSet<string>(run.Run.Fleet, StringComparer.Ordinal);
        var found = new Dictionary<(string Place, string? Owner, string Value), Carrier>();

        void Add((string Place, string? Owner) where, string value, string text, long bytes, SizeLimit limit, string? note = null)
        {
            var names = Names(text, fleet);
            if (names == 0)
                return;
            var kind = names > 1 ? CarrierKind.NodeList : CarrierKind.NodeName;
            var key = (where.Place, where.Owner, value);
            found[key] = found.TryGetValue(key, out var seen)
                ? seen with { Bytes = Math.Max(seen.Bytes, bytes), Count = seen.Count + 1, Kind = seen.Kind == CarrierKind.NodeList ? seen.Kind : kind, Note = note ?? seen.Note }
                : new Carrier(where.Place, where.Owner, value, kind, bytes, 1, limit, note);
        }

        var workflow = ArgoController.WorkflowSize;
        foreach (var (name, value) in run.Parameters)
            Add(("Workflow spec.arguments and status.storedWorkflowTemplateSpec", null), $"parameter {name}", value, InJson(value), workflow, "uncompressed, twice");
        foreach (var p in run.GlobalOutputs)
            Add(("Workflow status.outputs (global outputs)", null), $"parameter {p.Name}", p.Value ?? "", InJson(p.Value ?? ""), workflow, "uncompressed");
        foreach (var node in run.Nodes)
        {
            var where = ("Workflow status.nodes", (string?)$"{node.Type} {node.TemplateName}".TrimEnd());
            Add(("Workflow status.nodes", null), "node name and displayName (loop item)", node.Name, InJson(node.Name) + InJson(node.DisplayName ?? ""), workflow, "compressed with the nodes");
            foreach (var p in node.Inputs?.Parameters ?? [])
                Add(where, $"inputs.parameters.{p.Name}", p.Value ?? "", InJson(p.Value ?? ""), workflow, "compressed with the nodes");
            foreach (var p in node.Outputs?.Parameters ?? [])
                Add(where, $"outputs.parameters.{p.Name}", p.Value ?? "", InJson(p.Value ?? ""), workflow, "compressed with the nodes");
            if (node.Message is { } message)
                Add(where, "message", message, InJson(message), workflow, "compressed with the nodes");
        }
        foreach (var pod in run.Pods)
        {
            var where = ("pod", (string?)pod.TemplateName);
            foreach (var env in pod.Env)
                Add(where, $"env {env.Name}", env.Value ?? "", Encoding.UTF8.GetByteCount($"{env.Name}={env.Value}") + 1, ArgoController.EnvironmentString);
            for (var i = 0; i < pod.Args.Count; i++)
                Add(where, $"args[{i}]", pod.Args[i], Encoding.UTF8.GetByteCount(pod.Args[i]) + 1, ArgoController.EnvironmentString);
            var inline = pod.ArgoTemplateBytes <= ArgoController.ArgoTemplateEnv.Bytes;
            // Argo moves it into a ConfigMap before it reaches the env var limit, so the ConfigMap's is the one that bites.
            Add(where, "env ARGO_TEMPLATE (init container)", pod.SubstitutedText, pod.ArgoTemplateBytes, ArgoController.ConfigMap,
                inline ? "inline env var" : "over Argo's 128 KiB: offloaded to a ConfigMap");
            var spec = pod.Env.Sum(e => Encoding.UTF8.GetByteCount(GoJson.Escape(e.Value ?? ""))) + pod.Args.Sum(a => Encoding.UTF8.GetByteCount(GoJson.Escape(a)))
                + (inline ? pod.ArgoTemplateBytes : 0);
            Add(where, "Pod object: env, args and inline ARGO_TEMPLATE (at least)", string.Join("\n", pod.Env.Select(e => e.Value)) + "\n" + pod.SubstitutedText,
                spec, ArgoController.EtcdObject);
            Add(where, "annotation workflows.argoproj.io/node-name", pod.NodeName, Encoding.UTF8.GetByteCount(pod.NodeName), ArgoController.Annotations);
            if (pod.Outputs?.Parameters is { Count: > 0 } outputs)
            {
                var text = string.Join("\n", outputs.Select(o => o.Value));
                using var counter = new CountingStream();
                using (var writer = new GoJsonWriter(counter))
                {
                    writer.StartObject();
                    NodeStatusJson.Outputs(writer, pod.Outputs);
                    writer.EndObject();
                }
                Add(("WorkflowTaskResult", pod.TemplateName), "outputs", text, counter.Length, ArgoController.EtcdObject);
            }
        }
        return [.. found.Values.OrderBy(c => c.Kind).ThenBy(c => c.Where, StringComparer.Ordinal).ThenBy(c => c.Value, StringComparer.Ordinal)];
    }

    /// <summary>Bytes of a string inside Go JSON (quotes and escapes included).</summary>
    private static long InJson(string value) => Encoding.UTF8.GetByteCount(GoJson.Escape(value)) + 2;

    /// <summary>How many distinct fleet node names the text holds, counting up to 2.</summary>
    private static int Names(string text, HashSet<string> fleet)
    {
        string? first = null;
        foreach (Match match in DnsName().Matches(text))
        {
            if (!fleet.Contains(match.Value) || match.Value == first)
                continue;
            if (first is not null)
                return 2;
            first = match.Value;
        }
        return first is null ? 0 : 1;
    }

    [GeneratedRegex(@"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")]
    private static partial Regex DnsName();
}
