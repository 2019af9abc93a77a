using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KataArgo.Lint;

/// <summary>
/// Checks a schema cannot do, on a Workflow, WorkflowTemplate, ClusterWorkflowTemplate or
/// CronWorkflow: every template reference, onExit and entrypoint exists; every variable
/// (<c>{{inputs.parameters.X}}</c>, <c>{{workflow.parameters.X}}</c>, <c>{{steps.S.outputs.parameters.P}}</c>,
/// <c>{{tasks...}}</c>, <c>{{item}}</c>) resolves where it is used; arguments match the called
/// template's inputs; <c>when</c> parses; and recursive template calls are reported.
/// </summary>
public sealed partial class ReferenceChecker
{
    private static readonly HashSet<string> WorkflowVariables =
    [
        "workflow.name", "workflow.namespace", "workflow.uid", "workflow.status", "workflow.failures",
        "workflow.serviceAccountName", "workflow.mainEntrypoint", "workflow.priority", "workflow.duration",
        "workflow.scheduledTime", "workflow.parameters", "workflow.creationTimestamp", "workflow.labels",
        "workflow.annotations", "workflow.outputs.parameters",
    ];

    private readonly JsonObject _document;
    private readonly Action<string, Severity, string> _report;
    private readonly Dictionary<string, TemplateInfo> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _globalParameters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _globalOutputs = new(StringComparer.Ordinal);
    private string _spec = "/spec";

    private ReferenceChecker(JsonObject document, Action<string, Severity, string> report)
    {
        _document = document;
        _report = report;
    }

    /// <param name="report">Receives (JSON pointer, severity, message) for each problem.</param>
    public static void Check(JsonObject document, Action<string, Severity, string> report) =>
        new ReferenceChecker(document, report).Run();

    private sealed record TemplateInfo(string Name, string Pointer, JsonObject Node)
    {
        public HashSet<string> Inputs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> RequiredInputs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Outputs { get; } = new(StringComparer.Ordinal);
        public bool HasResult => Node.ContainsKey("script") || Node.ContainsKey("container") || Node.ContainsKey("containerSet");
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

        foreach (var parameter in Items(spec["arguments"]?["parameters"]))
            if (parameter["name"]?.ToString() is { } name)
                _globalParameters.Add(name);

        var templates = spec["templates"] as JsonArray ?? [];
        for (var i = 0; i < templates.Count; i++)
        {
            if (templates[i] is not JsonObject node || node["name"]?.ToString() is not { } name)
                continue;
            var info = new TemplateInfo(name, $"{_spec}/templates/{i}", node);
            if (!_templates.TryAdd(name, info))
                _report(info.Pointer + "/name", Severity.Error, $"template '{name}' is defined more than once");
            foreach (var input in Items(node["inputs"]?["parameters"]))
            {
                if (input["name"]?.ToString() is not { } inputName)
                    continue;
                info.Inputs.Add(inputName);
                if (input["value"] is null && input["default"] is null && input["valueFrom"] is null)
                    info.RequiredInputs.Add(inputName);
            }
            foreach (var output in Items(node["outputs"]?["parameters"]))
            {
                if (output["name"]?.ToString() is { } outputName)
                    info.Outputs.Add(outputName);
                if (output["globalName"]?.ToString() is { } global)
                    _globalOutputs.Add(global);
            }
        }

        if (templates.Count > 0)
        {
            if (spec["entrypoint"]?.ToString() is { } entrypoint)
                RequireTemplate(entrypoint, $"{_spec}/entrypoint", "entrypoint");
            if (spec["onExit"]?.ToString() is { } onExit)
                RequireTemplate(onExit, $"{_spec}/onExit", "onExit");
        }
        CheckVariables(spec, _spec, scope: null, excluded: "templates");
        foreach (var template in _templates.Values)
            CheckTemplate(template);
        ReportCycles();
    }

    private void CheckTemplate(TemplateInfo template)
    {
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
                    CheckVariables(step, pointer, new Scope(template, earlier, null, Looped(step)), excluded: null);
                    if (step["when"]?.ToString() is { } when && WhenExpression.Check(when) is { } whenError)
                        _report(pointer + "/when", Severity.Error, $"when '{when}': {whenError}");
                    current[name] = callee;
                }
                foreach (var (name, callee) in current)
                    earlier[name] = callee;
            }
            CheckVariables(template.Node, template.Pointer, new Scope(template, null, null, false), excluded: "steps");
        }
        else if (template.Node["dag"]?["tasks"] is JsonArray tasks)
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
                CheckVariables(task, pointer, new Scope(template, null, byName, Looped(task)), excluded: null);
            }
            CheckVariables(template.Node, template.Pointer, new Scope(template, null, null, false), excluded: "dag");
        }
        else
        {
            CheckVariables(template.Node, template.Pointer, new Scope(template, null, null, false), excluded: null);
        }
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
        var arguments = call["arguments"]?["parameters"] as JsonArray ?? [];
        for (var a = 0; a < arguments.Count; a++)
        {
            if (arguments[a]?["name"]?.ToString() is not { } argument)
                continue;
            passed.Add(argument);
            if (!callee.Inputs.Contains(argument))
                _report($"{pointer}/arguments/parameters/{a}/name", Severity.Error, $"template '{name}' has no input parameter '{argument}'");
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

    /// <summary>Where a variable is used: its template, the steps before it, the DAG's tasks, and whether it loops.</summary>
    private sealed record Scope(TemplateInfo Template, Dictionary<string, TemplateInfo?>? EarlierSteps, Dictionary<string, TemplateInfo?>? Tasks, bool Looped);

    private void CheckVariables(JsonNode? node, string pointer, Scope? scope, string? excluded)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                    if (key != excluded)
                        CheckVariables(child, pointer + "/" + key.Replace("~", "~0").Replace("/", "~1"), scope, null);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    CheckVariables(array[i], $"{pointer}/{i}", scope, null);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                foreach (Match match in Variable().Matches(text))
                {
                    var variable = match.Groups[1].Value.Trim();
                    if (!variable.StartsWith('=') && Resolve(variable, scope) is { } error)
                        _report(pointer, Severity.Error, $"{{{{{variable}}}}}: {error}");
                }
                break;
        }
    }

    /// <summary>Null when the variable resolves in this scope, else why not.</summary>
    private string? Resolve(string variable, Scope? scope)
    {
        var parts = variable.Split('.');
        switch (parts[0])
        {
            case "workflow" when parts.Length >= 3 && parts[1] == "parameters":
                var parameter = string.Join('.', parts[2..]);
                return _globalParameters.Contains(parameter) ? null : $"'{parameter}' is not a workflow parameter (spec.arguments.parameters)";
            case "workflow" when parts.Length >= 4 && parts[1] == "outputs" && parts[2] == "parameters":
                var global = string.Join('.', parts[3..]);
                return _globalOutputs.Contains(global) ? null : $"no template exports a global output named '{global}'";
            case "workflow":
                return WorkflowVariables.Contains(variable) || WorkflowVariables.Contains(string.Join('.', parts.Take(2)))
                    ? null : "unknown workflow variable";
            case "inputs" when parts.Length >= 3 && parts[1] == "parameters":
                if (scope is null)
                    return "inputs are only defined inside a template";
                var input = string.Join('.', parts[2..]);
                return scope.Template.Inputs.Contains(input) ? null : $"template '{scope.Template.Name}' has no input parameter '{input}'";
            case "inputs" or "outputs" or "pod" or "node" or "retries" or "lastRetry":
                return scope is null ? $"'{parts[0]}' is only defined inside a template" : null;
            case "item":
                return scope is { Looped: true } ? null : "{{item}} is only defined in a step or task with withItems, withParam or withSequence";
            case "steps" when parts.Length >= 3:
                if (scope?.EarlierSteps is null)
                    return "steps.* is only defined in a later step of the same steps template";
                if (!scope.EarlierSteps.TryGetValue(parts[1], out var step))
                    return $"no earlier step named '{parts[1]}' in template '{scope.Template.Name}'";
                return Output(step, parts[2..], $"step '{parts[1]}'");
            case "tasks" when parts.Length >= 3:
                if (scope?.Tasks is null)
                    return "tasks.* is only defined inside a DAG";
                if (!scope.Tasks.TryGetValue(parts[1], out var task))
                    return $"no task named '{parts[1]}' in template '{scope.Template.Name}'";
                return Output(task, parts[2..], $"task '{parts[1]}'");
            default:
                return "unknown variable";
        }
    }

    private static string? Output(TemplateInfo? callee, string[] rest, string what)
    {
        if (callee is null || rest[0] is not "outputs")
            return null;
        if (rest is ["outputs", "parameters", var name])
            return callee.Outputs.Contains(name) ? null : $"{what} (template '{callee.Name}') has no output parameter '{name}'";
        if (rest is ["outputs", "result"])
            return callee.HasResult ? null : $"{what} (template '{callee.Name}') has no result: only script and container templates do";
        return null;
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

    private static IEnumerable<JsonNode> Items(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonNode>();

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex Variable();
}
