using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KataArgo.Lint;

/// <summary>
/// Checks a schema cannot do, on a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or
/// CronWorkflow: every template reference, onExit and entrypoint exists; every <c>{{...}}</c>
/// variable resolves where it is used (<see cref="VariableResolver"/>); arguments match the called
/// template's inputs; <c>when</c> parses as Argo evaluates it; recursive template calls are reported.
/// </summary>
public sealed partial class ReferenceChecker
{
    private readonly JsonObject _document;
    private readonly Action<string, Severity, string> _report;
    private readonly Dictionary<string, TemplateInfo> _templates = new(StringComparer.Ordinal);
    private readonly VariableResolver _variables;
    private string _spec = "/spec";

    private ReferenceChecker(JsonObject document, Action<string, Severity, string> report)
    {
        _document = document;
        _report = report;
        _variables = new VariableResolver(document["kind"]?.ToString() is "WorkflowTemplate" or "ClusterWorkflowTemplate");
    }

    /// <param name="report">Receives (JSON pointer, severity, message) for each problem.</param>
    public static void Check(JsonObject document, Action<string, Severity, string> report) =>
        new ReferenceChecker(document, report).Run();

    internal sealed record TemplateInfo(string Name, string Pointer, JsonObject Node)
    {
        public HashSet<string> Inputs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> RequiredInputs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> InputArtifacts { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Outputs { get; } = new(StringComparer.Ordinal);

        public bool HasResult => ArgoVariables.ResultTemplateTypes.Any(Node.ContainsKey)
            || Mappings(At(Node, "containerSet", "containers")).Any(c => c["name"]?.ToString() == "main");

        public List<string> Callees { get; } = [];
    }

    private void Run()
    {
        var spec = _document["spec"] as JsonObject;
        if (_document["kind"]?.ToString() == "CronWorkflow")
        {
            spec = spec?["workflowSpec"] as JsonObject;
            _spec = "/spec/workflowSpec";
        }
        if (spec is null)
            return;
        _variables.Collect(spec);

        var templates = spec["templates"] as JsonArray ?? [];
        for (var i = 0; i < templates.Count; i++)
        {
            if (templates[i] is not JsonObject node || node["name"]?.ToString() is not { } name)
                continue;
            var info = new TemplateInfo(name, $"{_spec}/templates/{i}", node);
            if (!_templates.TryAdd(name, info))
                _report(info.Pointer + "/name", Severity.Error, $"template '{name}' is defined more than once");
            foreach (var input in Mappings(At(node, "inputs", "parameters")))
            {
                if (input["name"]?.ToString() is not { } inputName)
                    continue;
                info.Inputs.Add(inputName);
                if (input["value"] is null && input["default"] is null && input["valueFrom"] is null)
                    info.RequiredInputs.Add(inputName);
            }
            foreach (var artifact in Mappings(At(node, "inputs", "artifacts")))
                if (artifact["name"]?.ToString() is { } artifactName)
                    info.InputArtifacts.Add(artifactName);
            foreach (var output in Mappings(At(node, "outputs", "parameters")))
                if (output["name"]?.ToString() is { } outputName)
                    info.Outputs.Add(outputName);
        }

        if (templates.Count > 0)
        {
            if (spec["entrypoint"]?.ToString() is { } entrypoint)
                RequireTemplate(entrypoint, $"{_spec}/entrypoint", "entrypoint");
            if (spec["onExit"]?.ToString() is { } onExit)
                RequireTemplate(onExit, $"{_spec}/onExit", "onExit");
        }
        foreach (var (key, value) in spec)
            if (key != "templates")
                CheckVariables(value, $"{_spec}/{key}", new Scope(null) { InMetrics = key == "metrics" });
        foreach (var template in _templates.Values)
            CheckTemplate(template);
        ReportCycles();
    }

    private void CheckTemplate(TemplateInfo template)
    {
        var outside = new Scope(template);
        if (template.Node["steps"] is JsonArray groups)
        {
            var earlier = new Dictionary<string, TemplateInfo?>(StringComparer.Ordinal);
            for (var g = 0; g < groups.Count; g++)
            {
                var current = new Dictionary<string, TemplateInfo?>(StringComparer.Ordinal);
                var group = groups[g] as JsonArray ?? [];
                for (var s = 0; s < group.Count; s++)
                {
                    if (group[s] is not JsonObject step)
                        continue;
                    var pointer = $"{template.Pointer}/steps/{g}/{s}";
                    var callee = CheckCall(template, step, pointer, "step");
                    var name = step["name"]?.ToString() ?? "";
                    CheckStepOrTask(step, pointer, new Scope(template) { Steps = earlier, Looped = Looped(step) },
                        new Dictionary<string, TemplateInfo?>(earlier) { [name] = callee });
                    current[name] = callee;
                }
                foreach (var (name, callee) in current)
                    earlier[name] = callee;
            }
            // The template's own outputs are read once every step has run.
            CheckVariables(template.Node["outputs"], template.Pointer + "/outputs", outside with { Steps = earlier });
            CheckRest(template, outside, "steps");
        }
        else if (At(template.Node, "dag", "tasks") is JsonArray tasks)
        {
            var byName = new Dictionary<string, TemplateInfo?>(StringComparer.Ordinal);
            var calls = new List<(JsonObject Task, string Pointer)>();
            for (var t = 0; t < tasks.Count; t++)
            {
                if (tasks[t] is not JsonObject task)
                    continue;
                var pointer = $"{template.Pointer}/dag/tasks/{t}";
                byName[task["name"]?.ToString() ?? ""] = CheckCall(template, task, pointer, "task");
                calls.Add((task, pointer));
            }
            foreach (var (task, pointer) in calls)
            {
                foreach (var dependency in Items(task["dependencies"]).Select(d => d.ToString()))
                    if (!byName.ContainsKey(dependency))
                        _report(pointer + "/dependencies", Severity.Error, $"task depends on '{dependency}', which is not a task of this DAG");
                CheckStepOrTask(task, pointer, new Scope(template) { Tasks = byName, Looped = Looped(task) }, byName);
            }
            CheckVariables(template.Node["outputs"], template.Pointer + "/outputs", outside with { Tasks = byName });
            CheckVariables(At(template.Node, "dag", "target"), template.Pointer + "/dag/target", outside);
            CheckRest(template, outside, "dag");
        }
        else
        {
            CheckRest(template, outside, null);
        }
    }

    /// <summary>The template's fields other than its steps or DAG and its outputs; metrics in their own scope.</summary>
    private void CheckRest(TemplateInfo template, Scope scope, string? body)
    {
        foreach (var (key, value) in template.Node)
        {
            if (key == body || body is not null && key == "outputs")
                continue;
            CheckVariables(value, $"{template.Pointer}/{key}", key == "metrics" ? scope with { InMetrics = true } : scope);
        }
    }

    /// <summary>A step or task; its hooks may also read the node itself (Argo adds it to their scope).</summary>
    private void CheckStepOrTask(JsonObject call, string pointer, Scope scope, Dictionary<string, TemplateInfo?> withSelf)
    {
        foreach (var (key, value) in call)
        {
            var childPointer = $"{pointer}/{key}";
            if (key == "hooks")
                CheckVariables(value, childPointer, scope.Steps is not null ? scope with { Steps = withSelf } : scope with { Tasks = withSelf });
            else
                CheckVariables(value, childPointer, scope);
        }
        if (call["when"]?.ToString() is { } when && WhenExpression.Check(when) is { } whenError)
            _report(pointer + "/when", Severity.Error, $"when '{when}': {whenError}");
    }

    private TemplateInfo? CheckCall(TemplateInfo caller, JsonObject call, string pointer, string what)
    {
        if (call["onExit"]?.ToString() is { } onExit)
            RequireTemplate(onExit, pointer + "/onExit", $"{what} onExit");
        if (call["template"]?.ToString() is not { } name)
            return null; // templateRef or inline: defined elsewhere
        var callee = RequireTemplate(name, pointer + "/template", what);
        if (callee is null)
            return null;
        caller.Callees.Add(name);
        var passed = new HashSet<string>(StringComparer.Ordinal);
        var arguments = At(call, "arguments", "parameters") as JsonArray ?? [];
        for (var a = 0; a < arguments.Count; a++)
        {
            if ((arguments[a] as JsonObject)?["name"]?.ToString() is not { } argument)
                continue;
            passed.Add(argument);
            if (!callee.Inputs.Contains(argument))
                _report($"{pointer}/arguments/parameters/{a}/name", Severity.Warning, $"template '{name}' has no input parameter '{argument}'; Argo ignores this argument");
        }
        foreach (var required in callee.RequiredInputs.Where(r => !passed.Contains(r)))
            _report(pointer, Severity.Error, $"{what} '{call["name"]}' does not pass input '{required}' required by template '{name}'");
        return callee;
    }

    private TemplateInfo? RequireTemplate(string name, string pointer, string what)
    {
        if (_templates.TryGetValue(name, out var template))
            return template;
        _report(pointer, Severity.Error, $"{what} refers to template '{name}', which does not exist");
        return null;
    }

    private static bool Looped(JsonObject call) =>
        call.ContainsKey("withItems") || call.ContainsKey("withParam") || call.ContainsKey("withSequence");

    private void CheckVariables(JsonNode? node, string pointer, Scope scope)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    CheckVariables(child, pointer + "/" + key.Replace("~", "~0").Replace("/", "~1"), scope);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    CheckVariables(array[i], $"{pointer}/{i}", scope);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Contains("{{", StringComparison.Ordinal):
                foreach (Match match in Variable().Matches(text))
                {
                    var variable = match.Groups[1].Value.Trim();
                    if (!variable.StartsWith('=') && _variables.Resolve(variable, scope) is { } problem)
                        _report(pointer, problem.Severity, $"{{{{{variable}}}}}: {problem.Message}");
                }
                break;
        }
    }

    private void ReportCycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var name in _templates.Keys)
            Visit(name);

        void Visit(string name)
        {
            if (state.GetValueOrDefault(name) == 2)
                return;
            if (state.GetValueOrDefault(name) == 1)
            {
                var cycle = path.Skip(path.IndexOf(name)).Append(name);
                _report(_templates[name].Pointer, Severity.Warning,
                    $"templates call each other recursively ({string.Join(" -> ", cycle)}); Argo stops nested calls at depth 100, use a withParam loop");
                return;
            }
            state[name] = 1;
            path.Add(name);
            foreach (var callee in _templates[name].Callees.Distinct())
                Visit(callee);
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
        }
    }

    internal static IEnumerable<JsonNode> Items(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonNode>();

    /// <summary>The mappings of a list; other items are the schema's to report.</summary>
    internal static IEnumerable<JsonObject> Mappings(JsonNode? node) => Items(node).OfType<JsonObject>();

    /// <summary>The value at a path of keys, or null when it is absent or something on the way is not a mapping.</summary>
    internal static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
            node = (node as JsonObject)?[key];
        return node;
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Variable();
}

/// <summary>Where a variable is used: its template (null at workflow level), the steps before it, the DAG's tasks, whether it loops, whether in metrics.</summary>
internal sealed record Scope(ReferenceChecker.TemplateInfo? Template)
{
    public Dictionary<string, ReferenceChecker.TemplateInfo?>? Steps { get; init; }
    public Dictionary<string, ReferenceChecker.TemplateInfo?>? Tasks { get; init; }
    public bool Looped { get; init; }
    public bool InMetrics { get; init; }
}
