using System.Globalization;
using System.Text.Json;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// The variables a steps template sees (<c>steps.NAME.*</c> of its finished steps) and the lookup
/// Argo substitutes <c>{{...}}</c> from: workflow globals, the template's inputs, the loop item,
/// and, for pods, <c>pod.name</c>, <c>node.name</c> and <c>retries</c>.
/// </summary>
internal sealed class StepsScope
{
    private readonly Dictionary<string, string> _values = [];
    private readonly Dictionary<string, List<NodeStatus>> _expanded = [];

    public void Record(string stepName, NodeStatus node, bool expanded)
    {
        if (expanded)
        {
            if (!_expanded.TryGetValue(stepName, out var list))
                _expanded[stepName] = list = [];
            list.Add(node);
            return;
        }
        var prefix = "steps." + stepName + ".";
        _values[prefix + "id"] = node.Id;
        _values[prefix + "status"] = node.Phase ?? "";
        if (node.StartedAt is { } started)
            _values[prefix + "startedAt"] = started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (node.FinishedAt is { } finished)
            _values[prefix + "finishedAt"] = finished.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (node.HostNodeName is { } host)
            _values[prefix + "hostNodeName"] = host;
        if (node.Outputs?.ExitCode is { } exitCode)
            _values[prefix + "exitCode"] = exitCode;
        if (node.Outputs?.Result is { } result)
            _values[prefix + "outputs.result"] = result;
        foreach (var p in node.Outputs?.Parameters ?? [])
            _values[prefix + "outputs.parameters." + p.Name] = p.Value ?? "";
    }

    /// <summary>A variable; a loop's outputs are aggregated (<c>processAggregateNodeOutputs</c>) as a JSON list of its items' values.</summary>
    public string? Get(string name)
    {
        if (_values.TryGetValue(name, out var value))
            return value;
        var parts = name.Split('.');
        if (parts is ["steps", var step, "outputs", "parameters", var output] && _expanded.TryGetValue(step, out var items))
            return JsonSerializer.Serialize(items.Select(n => n.Outputs?.Parameters?.FirstOrDefault(p => p.Name == output)?.Value));
        return null;
    }
}

/// <summary>Variable lookups, innermost first.</summary>
internal static class Lookup
{
    public static Func<string, string?> Chain(params Func<string, string?>[] lookups) => name =>
    {
        foreach (var lookup in lookups)
            if (lookup(name) is { } value)
                return value;
        return null;
    };

    public static Func<string, string?> Inputs(IReadOnlyList<Parameter> inputs) => name =>
        name.StartsWith("inputs.parameters.", StringComparison.Ordinal)
            ? inputs.FirstOrDefault(p => p.Name == name["inputs.parameters.".Length..])?.Value
            : null;

    public static Func<string, string?> Item(JsonElement? item) => name =>
    {
        if (item is not { } value)
            return null;
        if (name == "item")
            return NodeNames.ItemValue(value);
        if (name.StartsWith("item.", StringComparison.Ordinal) && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty(name["item.".Length..], out var field))
            return field.ValueKind == JsonValueKind.String ? field.GetString() : field.GetRawText();
        return null;
    };

    public static Func<string, string?> Values(IReadOnlyDictionary<string, string> values) => values.GetValueOrDefault;
}
