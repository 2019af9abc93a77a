using System.Globalization;
using System.Text.Json;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>Values: loop items, step arguments, template inputs, workflow variables and sample outputs.</summary>
internal sealed partial class Walker
{
    private List<JsonElement> Items(WorkflowStep step, Func<string, string?> lookup, string where)
    {
        if (step.WithItems is { } items)
            return [.. items.Select(i => i is JsonElement e ? e.Clone() : JsonSerializer.SerializeToElement(i))];
        if (step.WithParam is { } param)
        {
            var text = Expressions.Substitute(param, lookup, strict: true, where: where + " withParam");
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new NotSupportedException($"{where}: withParam is not a JSON list: {text}");
            return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        var sequence = step.WithSequence!;
        int Number(string? text, int fallback) => text is null ? fallback
            : int.Parse(Expressions.Substitute(text, lookup, strict: true, where: where + " withSequence"), CultureInfo.InvariantCulture);
        if (sequence.Format is not null)
            throw new NotSupportedException($"{where}: withSequence.format is not modelled");
        var first = Number(sequence.Start, 0);
        var last = sequence.Count is not null ? first + Number(sequence.Count, 0) - 1 : Number(sequence.End, first);
        var step1 = last >= first ? 1 : -1;
        return [.. Enumerable.Range(0, Math.Abs(last - first) + 1)
            .Select(i => JsonSerializer.SerializeToElement((first + (i * step1)).ToString(CultureInfo.InvariantCulture)))];
    }

    private static Dictionary<string, string> Arguments(WorkflowStep step, Func<string, string?> lookup, string where)
    {
        if (step.Arguments?.Artifacts is { Count: > 0 })
            throw new NotSupportedException($"{where}: artifacts are not modelled");
        return (step.Arguments?.Parameters ?? []).ToDictionary(p => p.Name,
            p => Expressions.Substitute(p.Value ?? "", lookup, strict: true, where: $"{where} argument '{p.Name}'"));
    }

    private List<Parameter> Inputs(Template template, IReadOnlyDictionary<string, string> arguments, string nodeName)
    {
        if (template.Inputs?.Artifacts is { Count: > 0 })
            throw new NotSupportedException($"template '{template.Name}': input artifacts are not modelled");
        return [.. (template.Inputs?.Parameters ?? []).Select(p =>
        {
            var input = CloneParameter(p);
            input.Value = arguments.TryGetValue(p.Name, out var argument) ? argument
                : Expressions.Substitute(p.Value ?? p.Default ?? throw new InvalidOperationException(
                    $"{nodeName}: input '{p.Name}' of template '{template.Name}' has no argument, value or default"), Global);
            return input;
        })];
    }

    private string? Global(string name)
    {
        if (name.StartsWith("workflow.parameters.", StringComparison.Ordinal))
            return _parameters.GetValueOrDefault(name["workflow.parameters.".Length..]);
        if (name.StartsWith("workflow.outputs.parameters.", StringComparison.Ordinal))
            return _globalOutputs.FirstOrDefault(p => p.Name == name["workflow.outputs.parameters.".Length..])?.Value;
        return name switch
        {
            "workflow.name" => _run.WorkflowName,
            "workflow.namespace" => _run.Namespace,
            "workflow.uid" => _run.Uid,
            "workflow.serviceAccountName" => _spec.ServiceAccountName,
            "workflow.status" => _workflowStatus,
            "workflow.mainEntrypoint" => _spec.Entrypoint,
            "workflow.creationTimestamp" => _run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "workflow.duration" => (_clock.Now - _run.StartedAt).TotalSeconds.ToString("F6", CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    private string? SampleFor(ValueRole role) => role switch
    {
        ValueRole.NodeList => _fleetList,
        ValueRole.NodeCount => _run.Fleet.Count.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private void ExportGlobals(IEnumerable<Parameter> outputs)
    {
        foreach (var p in outputs.Where(p => !string.IsNullOrEmpty(p.GlobalName)))
        {
            _globalOutputs.RemoveAll(g => g.Name == p.GlobalName);
            _globalOutputs.Add(new Parameter { Name = p.GlobalName!, Value = p.Value });
        }
    }
}
