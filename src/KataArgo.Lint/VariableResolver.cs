using System.Text.Json.Nodes;

namespace KataArgo.Lint;

/// <summary>
/// Resolves a <c>{{variable}}</c> where it is used, by Argo's rules (<see cref="ArgoVariables"/>).
/// Stricter than Argo's validator in two places, both real defects at run time: <c>{{item}}</c>
/// outside a loop, and a step reading a step of its own parallel group.
/// </summary>
internal sealed class VariableResolver(bool isTemplate)
{
    private readonly HashSet<string> _parameters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _globalOutputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _globalArtifacts = new(StringComparer.Ordinal);
    private bool _anyGlobalOutput;
    private bool _usesTemplateRefs;

    public sealed record Problem(Severity Severity, string Message);

    /// <summary>Declared workflow parameters and what templates export to the global scope.</summary>
    public void Collect(JsonObject spec)
    {
        foreach (var parameter in ReferenceChecker.Mappings(ReferenceChecker.At(spec, "arguments", "parameters")))
            if (parameter["name"]?.ToString() is { } name)
                _parameters.Add(name);
        foreach (var template in ReferenceChecker.Mappings(spec["templates"]))
        {
            Export(ReferenceChecker.At(template, "outputs", "parameters"), _globalOutputs);
            Export(ReferenceChecker.At(template, "outputs", "artifacts"), _globalArtifacts);
        }
        _usesTemplateRefs = spec.ContainsKey("workflowTemplateRef") || ReferenceChecker.Mappings(spec["templates"])
            .SelectMany(t => ReferenceChecker.Items(t["steps"]).SelectMany(ReferenceChecker.Mappings).Concat(ReferenceChecker.Mappings(ReferenceChecker.At(t, "dag", "tasks"))))
            .Any(call => call["templateRef"] is not null);
    }

    private void Export(JsonNode? outputs, HashSet<string> into)
    {
        foreach (var output in ReferenceChecker.Mappings(outputs))
        {
            if (output["globalName"]?.ToString() is not { } global)
                continue;
            if (global.Contains("{{", StringComparison.Ordinal))
                _anyGlobalOutput = true; // named at run time
            else
                into.Add(global);
        }
    }

    /// <summary>Null when the variable resolves in this scope, else why not.</summary>
    public Problem? Resolve(string variable, Scope scope)
    {
        var parts = variable.Split('.');
        switch (parts[0])
        {
            case "workflow":
                return Workflow(parts);
            case "inputs" when scope.Template is null:
            case "outputs" when scope.Template is null && !scope.InMetrics:
                return Error($"'{parts[0]}' is only defined inside a template");
            case "inputs" when parts.Length >= 3 && parts[1] == "parameters":
                var input = string.Join('.', parts[2..]);
                return scope.Template!.Inputs.Contains(input) ? null : Error($"template '{scope.Template.Name}' has no input parameter '{input}'");
            case "inputs" when parts.Length >= 3 && parts[1] == "artifacts":
                return scope.Template!.InputArtifacts.Contains(parts[2]) ? null : Error($"template '{scope.Template.Name}' has no input artifact '{parts[2]}'");
            case "inputs" or "outputs":
                return null;
            case var root when ArgoVariables.TemplateLocalRoots.Contains(root):
                return scope.Template is null ? Error($"'{root}' is only defined inside a template") : null;
            case "item":
                return scope.Looped ? null : Error("{{item}} is only defined in a step or task with withItems, withParam or withSequence");
            case "steps" when parts.Length == 2 && parts[1] == "name":
            case "tasks" when parts.Length == 2 && parts[1] == "name":
                return null;
            case "steps" when parts.Length >= 3:
                if (scope.Steps is null)
                    return Error("steps.* is only defined in a steps template: in a later step, in a step's hooks, or in the template's outputs");
                return scope.Steps.TryGetValue(parts[1], out var step)
                    ? Node(step, parts[2..], $"step '{parts[1]}'")
                    : Error($"no earlier step named '{parts[1]}' in template '{scope.Template!.Name}'");
            case "tasks" when parts.Length >= 3:
                if (scope.Tasks is null)
                    return Error("tasks.* is only defined inside a DAG template: in its tasks or its outputs");
                return scope.Tasks.TryGetValue(parts[1], out var task)
                    ? Node(task, parts[2..], $"task '{parts[1]}'")
                    : Error($"no task named '{parts[1]}' in template '{scope.Template!.Name}'");
            case var root when ArgoVariables.MetricRoots.Contains(root):
                return scope.InMetrics ? null : Warning($"'{root}' is defined only in metrics; elsewhere Argo leaves {{{{{variable}}}}} as written");
            default:
                return ArgoVariables.LooksLikeVariable(variable)
                    ? Warning($"not an Argo variable; Argo leaves {{{{{variable}}}}} as written")
                    : null; // other templating (Go templates, Jinja) that Argo passes through
        }
    }

    private Problem? Workflow(string[] parts)
    {
        var field = parts.Length > 1 ? parts[1] : "";
        if (parts.Length == 2 && ArgoVariables.WorkflowScalars.Contains(field))
            return null;
        if (parts.Length > 2 && ArgoVariables.WorkflowMaps.Contains(field))
            return null;
        if (field == "parameters" && parts.Length > 2)
        {
            var name = string.Join('.', parts[2..]);
            if (name == "json" || _parameters.Contains(name))
                return null;
            // Argo's validator lets a WorkflowTemplate use parameters the submitting Workflow supplies.
            return isTemplate
                ? Warning($"'{name}' is not declared in spec.arguments.parameters; the Workflow that uses this template must supply it")
                : Error($"'{name}' is not a workflow parameter (spec.arguments.parameters)");
        }
        if (field == "outputs" && parts.Length > 3 && parts[2] is "parameters" or "artifacts")
        {
            var name = string.Join('.', parts[3..]);
            var exported = parts[2] == "parameters" ? _globalOutputs : _globalArtifacts;
            if (exported.Contains(name) || _anyGlobalOutput)
                return null;
            var message = $"no template exports a global output {(parts[2] == "parameters" ? "parameter" : "artifact")} named '{name}' (outputs.{parts[2]}[].globalName)";
            return _usesTemplateRefs ? Warning(message + "; a referenced template may") : Error(message);
        }
        return Error("unknown workflow variable");
    }

    /// <summary>steps.S.X or tasks.T.X: node fields, outputs.result, outputs.parameters.P, outputs.artifacts.A.</summary>
    private static Problem? Node(ReferenceChecker.TemplateInfo? callee, string[] rest, string what)
    {
        if (rest.Length == 1 && ArgoVariables.NodeFields.Contains(rest[0]))
            return null;
        if (rest[0] != "outputs")
            return Error($"{what} has no field '{string.Join('.', rest)}'");
        if (callee is null)
            return null; // templateRef or inline: defined elsewhere
        if (rest is ["outputs", "parameters", var name])
            return callee.Outputs.Contains(name) ? null : Error($"{what} (template '{callee.Name}') has no output parameter '{name}'");
        if (rest is ["outputs", "result"])
            return callee.HasResult ? null : Error($"{what} (template '{callee.Name}') has no result: only container, containerSet, script, data, http and plugin templates do");
        return null;
    }

    private static Problem Error(string message) => new(Severity.Error, message);

    private static Problem Warning(string message) => new(Severity.Warning, message);
}
