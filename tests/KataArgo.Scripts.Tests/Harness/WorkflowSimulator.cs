using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// Walks the real WorkflowTemplate as Argo would, for the subset it uses: steps templates
/// (sequential groups, <c>when</c>, <c>withParam</c> one item at a time with failFast), container
/// templates running <c>bash /kata-lifecycle/steps/STEP.sh</c> from the steps ConfigMap, run under
/// bash in the sandbox's copy of that folder with their <c>env</c> resolved from
/// <c>{{workflow.*}}</c>, <c>{{inputs.parameters.*}}</c>, <c>{{steps.*.outputs.parameters.*}}</c>
/// and <c>{{item}}</c>, outputs read from <c>valueFrom.path</c>, then <c>spec.onExit</c> with
/// <c>{{workflow.status}}</c>. Anything else in the template fails the test loudly.
/// </summary>
public sealed partial class WorkflowSimulator(Sandbox sandbox, WorkflowTemplate template)
{
    private const string OutputDirectory = "/tmp/outputs/";
    private readonly Dictionary<string, Template> _templates =
        template.Spec!.Templates!.ToDictionary(t => t.Name!, t => t);

    /// <summary>The template the chart renders, read back from its YAML (built once: the simulator only reads it).</summary>
    public static WorkflowTemplate Rendered() => RenderedTemplate.Value;

    private static readonly Lazy<WorkflowTemplate> RenderedTemplate = new(() =>
        ArgoYaml.Deserialize<WorkflowTemplate>(ArgoYaml.Serialize(LifecycleWorkflow.Build(new LifecycleOptions()))));

    /// <summary>Called before each script step (template name, node or null); true stops the run as `argo terminate` does.</summary>
    public Func<string, string?, bool>? TerminateBefore { get; init; }

    /// <summary>The node every step pod runs on (what the downward API's spec.nodeName gives it).</summary>
    public string PodHost { get; init; } = "infra-1";

    /// <summary>Called after each script step with its result; true stops the run there as `argo terminate` does (no exit handler).</summary>
    public Func<StepResult, bool>? TerminateAfter { get; init; }

    /// <summary>
    /// Places every step pod as the scheduler would: on the first node by name that is schedulable
    /// and meets the template's required node affinity (after substitution), instead of <see cref="PodHost"/>.
    /// </summary>
    public bool Schedule { get; init; }

    /// <summary>Called before each script step, e.g. to change the cluster as someone else would.</summary>
    public Action<string, string?>? BeforeStep { get; init; }

    public WorkflowRun Run(IReadOnlyDictionary<string, string> parameters, string? entrypoint = null,
        string name = "kata-upgrade-x7k2p", string uid = "0b7c6a52-3c1e-4d8e-9a6f-2f1d5e4c3b2a", string ns = "argo")
    {
        var workflow = template.Spec!.Arguments!.Parameters!.ToDictionary(p => p.Name, p => p.Value ?? "");
        foreach (var (key, value) in parameters)
        {
            Assert.True(workflow.ContainsKey(key), $"the template has no workflow parameter '{key}'");
            workflow[key] = value;
        }
        var context = new Context(workflow, name, uid, ns);
        var steps = new List<StepResult>();
        string status;
        var terminated = false;
        try
        {
            status = Execute(entrypoint ?? template.Spec.Entrypoint!, [], context, steps).Succeeded ? "Succeeded" : "Failed";
        }
        catch (TerminatedException)
        {
            status = "Failed";
            terminated = true;
        }
        var exitSteps = new List<StepResult>();
        if (!terminated && template.Spec.OnExit is { } onExit)
            Execute(onExit, [], context with { Status = status }, exitSteps);
        return new WorkflowRun(status, terminated, steps, exitSteps);
    }

    /// <summary>Only the exit handler, as Argo runs it at the end of a workflow that ended with <paramref name="status"/>.</summary>
    public WorkflowRun RunExitHandler(IReadOnlyDictionary<string, string> parameters, string status,
        string name = "kata-upgrade-x7k2p", string uid = "0b7c6a52-3c1e-4d8e-9a6f-2f1d5e4c3b2a", string ns = "argo")
    {
        var workflow = template.Spec!.Arguments!.Parameters!.ToDictionary(p => p.Name, p => p.Value ?? "");
        foreach (var (key, value) in parameters)
            workflow[key] = value;
        var steps = new List<StepResult>();
        Execute(template.Spec.OnExit!, [], new Context(workflow, name, uid, ns) { Status = status }, steps);
        return new WorkflowRun(status, false, [], steps);
    }

    private (bool Succeeded, Dictionary<string, string> Outputs) Execute(
        string name, Dictionary<string, string> arguments, Context context, List<StepResult> steps)
    {
        var t = _templates.GetValueOrDefault(name) ?? throw new InvalidOperationException($"no template '{name}'");
        var inputs = new Dictionary<string, string>();
        foreach (var input in t.Inputs?.Parameters ?? [])
            inputs[input.Name] = arguments.TryGetValue(input.Name, out var value) ? value
                : input.Value ?? throw new InvalidOperationException($"template '{name}' input '{input.Name}' has no argument and no default");
        foreach (var argument in arguments.Keys.Except(inputs.Keys))
            throw new InvalidOperationException($"template '{name}' has no input '{argument}'");

        if (t.Steps is { } groups)
            return (RunSteps(t, groups, inputs, context, steps), []);
        if (t.Container is { } container)
            return RunContainer(t, container, inputs, context, steps);
        throw new InvalidOperationException($"template '{name}' is neither steps nor a container running a step script");
    }

    private bool RunSteps(Template t, List<ParallelSteps> groups, Dictionary<string, string> inputs, Context context, List<StepResult> steps)
    {
        var outputs = new Dictionary<string, Dictionary<string, string>>();
        foreach (var group in groups)
        {
            foreach (var step in group)
            {
                var scope = Scope(context, inputs, outputs, item: null);
                if (step.When is { } when && !ArgoExpression.Evaluate(Substitute(when, scope, t.Name!)))
                    continue;
                if (step.WithParam is { } withParam)
                {
                    var items = JsonNode.Parse(Substitute(withParam, scope, t.Name!))!.AsArray().Select(i => (string)i!).ToList();
                    Assert.Equal(1, t.Parallelism);
                    var failed = false;
                    foreach (var item in items)
                    {
                        var ok = Execute(step.Template!, Arguments(step, Scope(context, inputs, outputs, item), t.Name!), context, steps).Succeeded;
                        failed |= !ok;
                        if (!ok && t.FailFast == true)
                            break;
                    }
                    if (failed)
                        return false;
                    continue;
                }
                var (succeeded, stepOutputs) = Execute(step.Template!, Arguments(step, scope, t.Name!), context, steps);
                outputs[step.Name!] = stepOutputs;
                if (!succeeded)
                    return false;
            }
        }
        return true;
    }

    private (bool, Dictionary<string, string>) RunContainer(Template t, Container container, Dictionary<string, string> inputs, Context context, List<StepResult> steps)
    {
        // bash /kata-lifecycle/steps/STEP.sh, from the steps ConfigMap the template mounts.
        Assert.Equal(2, container.Command!.Count);
        Assert.Equal("bash", container.Command[0]);
        Assert.StartsWith(StepScripts.MountPath + "/", container.Command[1]);
        Assert.Null(container.Args);
        var mount = Assert.Single(container.VolumeMounts!, m => m.MountPath == StepScripts.MountPath);
        var volume = Assert.Single(template.Spec!.Volumes!, v => v.Name == mount.Name);
        Assert.NotNull(volume.ConfigMap);
        var scope = Scope(context, inputs, [], item: null);
        var host = Schedule
            ? PodScheduler.Place(sandbox.State, t.Affinity is null ? null : JsonNode.Parse(Substitute(JsonSerializer.SerializeToNode(t.Affinity, ArgoJson.Options)!.ToJsonString(), scope, t.Name!)))
            : PodHost;
        if (host is null)
        {
            var pending = new StepResult(t.Name!, inputs.GetValueOrDefault("node"), 1, "", "pod Pending: no node matches its affinity\n", new Dictionary<string, string>(), TimeSpan.Zero);
            steps.Add(pending);
            return (false, []);
        }
        var env = (container.Env ?? []).ToDictionary(e => e.Name, e => e.ValueFrom switch
        {
            null => Substitute(e.Value ?? "", scope, t.Name!),
            { FieldRef.FieldPath: "spec.nodeName" } => host,
            _ => throw new InvalidOperationException($"template '{t.Name}': env {e.Name} has a valueFrom the simulator does not know"),
        });
        var node = inputs.GetValueOrDefault("node");
        if (TerminateBefore?.Invoke(t.Name!, node) == true)
            throw new TerminatedException();
        BeforeStep?.Invoke(t.Name!, node);

        var declared = (t.Outputs?.Parameters ?? []).Select(p =>
        {
            var path = p.ValueFrom?.Path ?? throw new InvalidOperationException($"output '{p.Name}' of '{t.Name}' has no valueFrom.path");
            Assert.StartsWith(OutputDirectory, path);
            return (p.Name, File: path[OutputDirectory.Length..]);
        }).ToList();
        var result = sandbox.Run(container.Command[1][(StepScripts.MountPath.Length + 1)..], env, declared.Select(d => d.File)) with { Name = t.Name!, Node = node, PodNode = host };
        steps.Add(result);
        if (TerminateAfter?.Invoke(result) == true)
            throw new TerminatedException();
        var outputs = new Dictionary<string, string>();
        foreach (var (name, file) in declared)
        {
            if (result.Outputs.TryGetValue(file, out var value))
                outputs[name] = value;
            else if (result.Succeeded)
                return (false, outputs); // Argo fails a step whose output file is missing.
        }
        return (result.Succeeded, outputs);
    }

    private static Dictionary<string, string> Arguments(WorkflowStep step, Dictionary<string, string> scope, string where) =>
        (step.Arguments?.Parameters ?? []).ToDictionary(p => p.Name, p => Substitute(p.Value ?? "", scope, where));

    private static Dictionary<string, string> Scope(Context context, Dictionary<string, string> inputs,
        Dictionary<string, Dictionary<string, string>> stepOutputs, string? item)
    {
        var scope = new Dictionary<string, string>
        {
            ["workflow.name"] = context.Name,
            ["workflow.uid"] = context.Uid,
            ["workflow.namespace"] = context.Namespace,
        };
        if (context.Status is { } status)
            scope["workflow.status"] = status;
        foreach (var (key, value) in context.Parameters)
            scope[$"workflow.parameters.{key}"] = value;
        foreach (var (key, value) in inputs)
            scope[$"inputs.parameters.{key}"] = value;
        foreach (var (step, outputs) in stepOutputs)
            foreach (var (key, value) in outputs)
                scope[$"steps.{step}.outputs.parameters.{key}"] = value;
        if (item is not null)
            scope["item"] = item;
        return scope;
    }

    private static string Substitute(string text, Dictionary<string, string> scope, string where) =>
        Reference().Replace(text, m => scope.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"template '{where}': unresolved {m.Value}"));

    [GeneratedRegex(@"\{\{\s*([^{}\s]+)\s*\}\}")]
    private static partial Regex Reference();

    private sealed record Context(Dictionary<string, string> Parameters, string Name, string Uid, string Namespace)
    {
        public string? Status { get; init; }
    }

    private sealed class TerminatedException : Exception;
}

public sealed record WorkflowRun(string Status, bool Terminated, IReadOnlyList<StepResult> Steps, IReadOnlyList<StepResult> ExitHandler)
{
    public IEnumerable<StepResult> All => Steps.Concat(ExitHandler);

    public IReadOnlyList<StepResult> StepsNamed(string name) => [.. Steps.Where(s => s.Name == name)];

    public StepResult Step(string name, string? node = null) => Assert.Single(Steps, s => s.Name == name && (node is null || s.Node == node));

    public StepResult Cleanup => Assert.Single(ExitHandler);

    public string Transcript => string.Join("\n", All.Select(s => s.ToString()));
}
