using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>What a value stands for on the sunny path, found from how the template consumes it.</summary>
public enum ValueRole
{
    /// <summary>Any other value: the model gives it a short sample value.</summary>
    Other,

    /// <summary>Feeds a loop's <c>withParam</c>: the JSON list of fleet node names.</summary>
    NodeList,

    /// <summary>Compared with a number in a <c>when</c>, or a <c>withSequence</c> count: the number of fleet nodes.</summary>
    NodeCount,
}

/// <summary>
/// Finds, without running anything, which pod-template outputs and workflow parameters feed a
/// loop's <c>withParam</c> (they carry the node list) or a numeric <c>when</c>/<c>withSequence</c>
/// (they carry the node count), by following <c>{{inputs.parameters.*}}</c>,
/// <c>{{steps.*.outputs.parameters.*}}</c>, <c>{{workflow.outputs.parameters.*}}</c> and
/// <c>{{workflow.parameters.*}}</c> back through the call graph. No template name is assumed.
/// </summary>
public sealed class ValueRoles
{
    private readonly Dictionary<(string Template, string Output), ValueRole> _outputs = [];
    private readonly Dictionary<string, ValueRole> _parameters = [];
    private readonly Dictionary<string, Template> _templates;
    private readonly WorkflowSpec _spec;

    private ValueRoles(WorkflowSpec spec)
    {
        _spec = spec;
        _templates = (spec.Templates ?? []).ToDictionary(t => t.Name!, t => t);
        foreach (var template in _templates.Values)
        {
            foreach (var step in (template.Steps ?? []).SelectMany(g => g))
            {
                if (Expressions.SoleReference(step.WithParam) is { } list)
                    Trace(template, list, ValueRole.NodeList, []);
                foreach (var count in new[] { step.WithSequence?.Count, step.WithSequence?.End }.Select(v => Expressions.SoleReference(v?.ToString())).OfType<string>())
                    Trace(template, count, ValueRole.NodeCount, []);
                foreach (var compared in Expressions.NumericallyCompared(step.When))
                    Trace(template, compared, ValueRole.NodeCount, []);
            }
        }
    }

    public static ValueRoles Analyze(WorkflowSpec spec) => new(spec);

    public ValueRole OfOutput(string template, string output) => _outputs.GetValueOrDefault((template, output));

    public ValueRole OfParameter(string parameter) => _parameters.GetValueOrDefault(parameter);

    public IEnumerable<string> Describe() =>
        _outputs.Select(o => $"{o.Key.Template}.outputs.parameters.{o.Key.Output} = {o.Value}")
            .Concat(_parameters.Select(p => $"workflow.parameters.{p.Key} = {p.Value}"));

    private void Trace(Template within, string reference, ValueRole role, HashSet<string> seen)
    {
        if (!seen.Add(within.Name + "|" + reference))
            return;
        var parts = reference.Split('.');
        switch (parts)
        {
            case ["inputs", "parameters", var input]:
                if (within.Name == _spec.Entrypoint)
                    _parameters[input] = role;
                foreach (var (caller, step) in CallersOf(within.Name!))
                {
                    var argument = step.Arguments?.Parameters?.FirstOrDefault(p => p.Name == input)?.Value;
                    if (Expressions.SoleReference(argument) is { } next)
                        Trace(caller, next, role, seen);
                }
                break;
            case ["steps", var stepName, "outputs", "parameters", var output]:
                foreach (var step in (within.Steps ?? []).SelectMany(g => g).Where(s => s.Name == stepName))
                    TraceOutput(step.Template!, output, role, seen);
                break;
            case ["workflow", "outputs", "parameters", var global]:
                foreach (var producer in _templates.Values)
                    foreach (var p in producer.Outputs?.Parameters ?? [])
                        if (p.GlobalName == global)
                            TraceOutput(producer.Name!, p.Name, role, seen);
                break;
            case ["workflow", "parameters", var parameter]:
                _parameters[parameter] = role;
                break;
        }
    }

    private void TraceOutput(string templateName, string output, ValueRole role, HashSet<string> seen)
    {
        if (!_templates.TryGetValue(templateName, out var producer))
            return;
        if (producer.Steps is null)
        {
            _outputs[(templateName, output)] = role;
            return;
        }
        var from = producer.Outputs?.Parameters?.FirstOrDefault(p => p.Name == output)?.ValueFrom?.Parameter;
        if (Expressions.SoleReference(from) is { } next)
            Trace(producer, next, role, seen);
    }

    private IEnumerable<(Template Caller, WorkflowStep Step)> CallersOf(string template) =>
        _templates.Values.SelectMany(t => (t.Steps ?? []).SelectMany(g => g).Where(s => s.Template == template).Select(s => (t, s)));
}
