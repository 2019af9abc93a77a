using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// A pod template prepared once: its <c>ARGO_TEMPLATE</c> size before substitution (input
/// parameters cleared, as <c>workflowpod.go</c> simplifies it) and every string that holds a
/// <c>{{...}}</c> tag, so each pod costs only its substitutions.
/// </summary>
internal sealed class PodTemplate
{
    private readonly List<(string Path, string Text)> _tagged = [];

    public PodTemplate(Template template)
    {
        var json = (JsonObject)JsonSerializer.SerializeToNode(template, ArgoJson.Options)!;
        json["inputs"] = new JsonObject();
        BaseBytes = GoJson.Size(json);
        Collect(json, "");
        Main = (json["script"] ?? json["container"]) as JsonObject;
        IsScript = json["script"] is not null;
        Env = (Main?["env"] as JsonArray ?? []).Select((e, i) => (Name: e!["name"]!.GetValue<string>(), Path: $"{MainPath}.env[{i}].value",
            Value: e["value"]?.GetValue<string>() ?? "")).ToList();
        Args = (Main?["args"] as JsonArray ?? []).Select((a, i) => (Path: $"{MainPath}.args[{i}]", Value: a!.GetValue<string>())).ToList();
    }

    public long BaseBytes { get; }

    public JsonObject? Main { get; }

    public bool IsScript { get; }

    public List<(string Name, string Path, string Value)> Env { get; }

    public List<(string Path, string Value)> Args { get; }

    private string MainPath => IsScript ? "script" : "container";

    /// <summary>The pod's substituted strings by path, the <c>ARGO_TEMPLATE</c> size after substitution, and the inserted text.</summary>
    public (Dictionary<string, string> Values, long ArgoTemplateBytes, string Inserted) Substitute(Func<string, string?> lookup)
    {
        var values = new Dictionary<string, string>();
        var bytes = BaseBytes;
        var inserted = new StringBuilder();
        foreach (var (path, text) in _tagged)
        {
            var value = Expressions.Substitute(text, lookup);
            if (ReferenceEquals(value, text) || value == text)
                continue;
            values[path] = value;
            bytes += Utf8(GoJson.Escape(value)) - Utf8(GoJson.Escape(text));
            inserted.Append(value).Append('\n');
        }
        return (values, bytes, inserted.ToString());
    }

    private void Collect(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                    Collect(value, path.Length == 0 ? key : $"{path}.{key}");
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    Collect(array[i], $"{path}[{i}]");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                // Go templates in scripts ({{.metadata.name}}) are no Argo variables: Argo leaves them alone.
                if (Expressions.References(text).Any(IsArgoVariable))
                    _tagged.Add((path, text));
                break;
        }
    }

    private static bool IsArgoVariable(string name) =>
        name is "item" or "retries" || name.StartsWith("item.", StringComparison.Ordinal)
        || new[] { "inputs.", "workflow.", "pod.", "node.", "steps.", "tasks." }.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    private static long Utf8(string s) => Encoding.UTF8.GetByteCount(s);
}
