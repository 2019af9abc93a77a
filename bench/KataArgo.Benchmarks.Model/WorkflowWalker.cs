using System.Text.Json;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// Builds the status entries Argo's controller (see <see cref="ArgoController"/>) records for a
/// sunny run of any WorkflowTemplate made of steps, script, container, resource and data templates:
/// Steps and StepGroup nodes, loops expanded to <c>name(i:item)</c>, Retry parents over
/// <c>name(0)</c>, Skipped nodes for a false <c>when</c>, Pod nodes, step and workflow exit handlers.
/// Other template kinds (DAG, suspend, HTTP, plugin, container set, templateRef) throw
/// <see cref="NotSupportedException"/> naming the template.
/// </summary>
public static class WorkflowWalker
{
    public static RecordedRun Walk(SunnyRun run) => new Walker(run).Run();
}

internal sealed partial class Walker
{
    private readonly SunnyRun _run;
    private readonly WorkflowSpec _spec;
    private readonly Dictionary<string, Template> _templates;
    private readonly ValueRoles _roles;
    private readonly Dictionary<string, string> _parameters;
    private readonly List<RecordedNode> _nodes = [];
    private readonly Dictionary<string, NodeStatus> _byId = [];
    private readonly List<RecordedPod> _pods = [];
    private readonly List<Parameter> _globalOutputs = [];
    private readonly Dictionary<string, PodTemplate> _podTemplates = [];
    private readonly Dictionary<string, string> _templateText = [];
    private readonly RunClock _clock;
    private readonly string _fleetList;
    private string _workflowStatus = "Running";
    private int _collisions;

    public Walker(SunnyRun run)
    {
        _run = run;
        _spec = run.Template.Spec ?? throw new ArgumentException("the WorkflowTemplate has no spec");
        _templates = (_spec.Templates ?? []).ToDictionary(t => t.Name!, t => t);
        _roles = ValueRoles.Analyze(_spec);
        _fleetList = JsonSerializer.Serialize(run.LoopItems(run.Fleet));
        _clock = new RunClock(run.StartedAt, run.Seed, run.Fleet);
        _parameters = (_spec.Arguments?.Parameters ?? []).ToDictionary(p => p.Name, p => p.Value ?? p.Default ?? "");
        foreach (var (name, value) in run.Parameters)
        {
            if (!_parameters.ContainsKey(name))
                throw new ArgumentException($"parameter '{name}': the template has no such workflow parameter; it has {string.Join(", ", _parameters.Keys)}");
            _parameters[name] = value;
        }
        foreach (var name in _parameters.Keys.ToList())
            if (!run.Parameters.ContainsKey(name) && SampleFor(_roles.OfParameter(name)) is { } sample)
                _parameters[name] = sample;
    }

    public RecordedRun Run()
    {
        var arguments = _parameters.ToDictionary();
        var root = Execute(_run.WorkflowName, _spec.Entrypoint ?? throw new ArgumentException("the template has no entrypoint"),
            arguments, new Frame(null, null, false), null, null);
        _workflowStatus = root.Phase!;
        var exit = _spec.OnExit is { } onExit ? new LifecycleHook { Template = onExit } : _spec.Hooks?.GetValueOrDefault("exit");
        if (exit is not null)
        {
            _clock.Reconcile();
            Execute(NodeNames.OnExit(_run.WorkflowName), exit.Template!, arguments, new Frame(null, null, false), new NodeFlag { Hooked = true }, null);
        }
        _clock.Reconcile();
        StatusTotals.Apply(_nodes.Select(n => n.Status).ToList(), _byId);
        return new RecordedRun(_run, _nodes, _pods, _globalOutputs, _parameters, _clock.Now, _workflowStatus, _roles, _collisions);
    }

    private sealed record Frame(NodeStatus? Boundary, Template? BoundaryTemplate, bool InLoop);

    private NodeStatus Execute(string nodeName, string templateName, IReadOnlyDictionary<string, string> arguments,
        Frame frame, NodeFlag? flag, string? stepName)
    {
        var template = _templates.GetValueOrDefault(templateName)
            ?? throw new NotSupportedException($"{nodeName}: no template '{templateName}' (templateRef is not modelled)");
        var inputs = Inputs(template, arguments, nodeName);
        if ((template.RetryStrategy ?? _spec.RetryStrategy) is null)
            return ExecuteTemplate(nodeName, template, inputs, frame, flag, stepName, null);

        var parent = NewNode(nodeName, "Retry", template.Name, frame, flag, inputs);
        // Argo sets Retried on the flag it was given, so a hooked Retry parent shows both.
        var attemptFlag = flag ?? new NodeFlag();
        attemptFlag.Retried = true;
        var attempt = ExecuteTemplate(NodeNames.RetryAttempt(nodeName, 0), template, inputs, frame, attemptFlag, stepName, 0);
        AddChild(parent, attempt);
        parent.Outputs = Clone(attempt.Outputs);
        Finish(parent);
        return parent;
    }

    private NodeStatus ExecuteTemplate(string nodeName, Template template, List<Parameter> inputs, Frame frame,
        NodeFlag? flag, string? stepName, int? retries)
    {
        if (template.Steps is not null)
            return ExecuteSteps(nodeName, template, inputs, frame, flag);
        if (template.Script is not null || template.Container is not null || template.Resource is not null || template.Data is not null)
            return ExecutePod(nodeName, template, inputs, frame, flag, stepName, retries);
        var kind = template.Dag is not null ? "DAG" : template.Suspend is not null ? "suspend" : template.Http is not null ? "HTTP"
            : template.Plugin is not null ? "plugin" : template.ContainerSet is not null ? "container set" : "unknown";
        throw new NotSupportedException($"template '{template.Name}': {kind} templates are not modelled (steps, script, container, resource and data are)");
    }

    private NodeStatus ExecuteSteps(string nodeName, Template template, List<Parameter> inputs, Frame frame, NodeFlag? flag)
    {
        var node = NewNode(nodeName, "Steps", template.Name, frame, flag, inputs);
        var scope = new StepsScope();
        var inner = new Frame(node, template, frame.InLoop);
        NodeStatus? previous = null;
        for (var i = 0; i < template.Steps!.Count; i++)
        {
            var group = NewNode(NodeNames.StepGroup(nodeName, i), "StepGroup", null, inner, new NodeFlag(), []);
            if (previous is null)
                AddChild(node, group);
            else if (previous.Children is not { Count: > 0 })
                AddChild(previous, group);
            else
                foreach (var outbound in previous.Children.SelectMany(c => StatusTotals.Outbound(c, _byId)).Distinct().ToList())
                    AddChild(_byId[outbound], group);
            RunGroup(group, template.Steps[i], template, inputs, scope, inner);
            Finish(group);
            previous = group;
        }
        var last = previous?.Children?.SelectMany(c => StatusTotals.Outbound(c, _byId)).ToList() ?? [];
        node.OutboundNodes = last.Count > 0 ? last : null;
        var lookup = Lookup.Chain(scope.Get, Lookup.Inputs(inputs), Global);
        var outputs = (template.Outputs?.Parameters ?? []).Select(p =>
        {
            var value = p.ValueFrom?.Parameter ?? p.ValueFrom?.Default
                ?? throw new NotSupportedException($"template '{template.Name}': output '{p.Name}' needs valueFrom.parameter");
            var output = CloneParameter(p);
            output.Value = Expressions.Substitute(value, lookup, strict: true, where: $"{nodeName} output '{p.Name}'");
            return output;
        }).ToList();
        if (outputs.Count > 0)
        {
            node.Outputs = new Outputs { Parameters = outputs };
            ExportGlobals(outputs);
        }
        Finish(node);
        return node;
    }

    private void RunGroup(NodeStatus group, ParallelSteps steps, Template template, List<Parameter> inputs, StepsScope scope, Frame frame)
    {
        var lookup = Lookup.Chain(scope.Get, Lookup.Inputs(inputs), Global);
        var ready = new List<(WorkflowStep Step, string Name, Dictionary<string, string> Arguments, string? When, bool InLoop)>();
        foreach (var step in steps)
        {
            if (step.TemplateRef is not null || step.Inline is not null || step.Template is null)
                throw new NotSupportedException($"{group.Name}.{step.Name}: only steps that name a template are modelled");
            var where = $"{group.Name}.{step.Name}";
            var when = step.When is null ? null : Expressions.Substitute(step.When, lookup);
            if (when is not null && !when.Contains("{{", StringComparison.Ordinal) && !Expressions.When(when))
            {
                SkipByWhen(group, step, when, inputs, frame);
                continue;
            }
            if (step.WithParam is null && step.WithItems is null && step.WithSequence is null)
            {
                ready.Add((step, step.Name!, Arguments(step, lookup, where), when, false));
                continue;
            }
            var items = Items(step, lookup, where);
            if (items.Count == 0)
                Skip(group, NodeNames.Step(group.Name, step.Name!), step, frame, "Skipped, empty params");
            for (var k = 0; k < items.Count; k++)
            {
                var itemLookup = Lookup.Chain(Lookup.Item(items[k]), lookup);
                var itemWhen = step.When is null ? null : Expressions.Substitute(step.When, itemLookup, strict: true, where: where);
                ready.Add((step, NodeNames.LoopItem(step.Name!, k, items[k]), Arguments(step, itemLookup, where), itemWhen, true));
            }
        }

        var parallelism = template.Parallelism ?? _spec.Parallelism ?? int.MaxValue;
        var start = _clock.Now;
        var running = new PriorityQueue<DateTimeOffset, DateTimeOffset>();
        var end = start;
        foreach (var (step, name, arguments, when, inLoop) in ready)
        {
            if (ready.Count > 1 && parallelism > 1)
                _clock.Now = running.Count >= parallelism ? running.Dequeue() : start;
            var childName = NodeNames.Step(group.Name, name);
            if (when is not null && !Expressions.When(when))
            {
                Skip(group, childName, step, frame with { InLoop = frame.InLoop || inLoop }, $"when '{when}' evaluated false");
                continue;
            }
            var childFrame = frame with { InLoop = frame.InLoop || inLoop };
            var child = Execute(childName, step.Template!, arguments, childFrame, null, step.Name);
            AddChild(group, child);
            var exit = step.OnExit is { } onExit ? new LifecycleHook { Template = onExit } : step.Hooks?.GetValueOrDefault("exit");
            if (step.Hooks?.Keys.Any(k => k != "exit") == true)
                throw new NotSupportedException($"{childName}: only exit hooks are modelled");
            if (exit is not null)
            {
                scope.Record(step.Name!, child, false);
                var hookArguments = Arguments(new WorkflowStep { Arguments = exit.Arguments }, Lookup.Chain(scope.Get, lookup), childName);
                var hook = Execute(NodeNames.OnExit(childName), exit.Template!, hookArguments, childFrame, new NodeFlag { Hooked = true }, null);
                AddChild(child, hook);
            }
            scope.Record(step.Name!, child, inLoop);
            running.Enqueue(_clock.Now, _clock.Now);
            if (_clock.Now > end)
                end = _clock.Now;
        }
        _clock.Now = end;
    }

    /// <summary>
    /// A step whose <c>when</c> is false. Argo (<c>resolveReferences</c>) then substitutes only the
    /// <c>when</c>: a loop list that still names <c>steps.*</c> cannot be parsed, so
    /// <c>expandStepGroup</c> records "Skipped, empty params"; a list already substituted (inputs,
    /// workflow parameters, literal items) expands, and each item is skipped by its <c>when</c>.
    /// </summary>
    private void SkipByWhen(NodeStatus group, WorkflowStep step, string when, List<Parameter> inputs, Frame frame)
    {
        var message = $"when '{when}' evaluated false";
        if (step.WithParam is null && step.WithItems is null && step.WithSequence is null)
        {
            Skip(group, NodeNames.Step(group.Name, step.Name!), step, frame, message);
            return;
        }
        List<JsonElement> items;
        try
        {
            items = Items(step, Lookup.Chain(Lookup.Inputs(inputs), Global), $"{group.Name}.{step.Name}");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or FormatException)
        {
            items = [];
        }
        if (items.Count == 0)
            Skip(group, NodeNames.Step(group.Name, step.Name!), step, frame, "Skipped, empty params");
        for (var k = 0; k < items.Count; k++)
            Skip(group, NodeNames.Step(group.Name, NodeNames.LoopItem(step.Name!, k, items[k])), step, frame with { InLoop = true }, message);
    }

    private NodeStatus NewNode(string name, string type, string? templateName, Frame frame, NodeFlag? flag, List<Parameter>? inputs)
    {
        var node = new NodeStatus
        {
            Id = NodeNames.NodeId(_run.WorkflowName, name),
            Name = name,
            DisplayName = NodeNames.DisplayName(name, frame.Boundary?.Name),
            Type = type,
            TemplateName = templateName,
            TemplateScope = "local/",
            Phase = "Running",
            BoundaryID = frame.Boundary?.Id,
            StartedAt = _clock.Now,
            NodeFlag = flag,
            Inputs = inputs is { Count: > 0 } ? new Inputs { Parameters = inputs } : null,
        };
        if (!_byId.TryAdd(node.Id, node))
            _collisions++;
        _nodes.Add(new RecordedNode(node, frame.InLoop));
        return node;
    }

    private void Skip(NodeStatus group, string name, WorkflowStep step, Frame frame, string message)
    {
        var node = NewNode(name, "Skipped", step.Template, frame, new NodeFlag(), null);
        node.Phase = "Skipped";
        node.Message = message;
        node.FinishedAt = node.StartedAt;
        AddChild(group, node);
    }

    private void Finish(NodeStatus node, DateTimeOffset? at = null)
    {
        node.Phase = "Succeeded";
        node.FinishedAt = at ?? _clock.Reconcile();
        var seconds = (int)(node.FinishedAt.Value - node.StartedAt!.Value).TotalSeconds;
        if (_run.WithEstimates && seconds > 0)
            node.EstimatedDuration = seconds;
    }

    /// <summary><c>addChildNode</c>; every caller adds a child once, so Argo's duplicate check is left out (it is quadratic in a loop's size).</summary>
    private static void AddChild(NodeStatus parent, NodeStatus child) => (parent.Children ??= []).Add(child.Id);

    private static Parameter CloneParameter(Parameter p) => new()
    {
        Name = p.Name, Default = p.Default, Value = p.Value, ValueFrom = p.ValueFrom, GlobalName = p.GlobalName,
        Enum = p.Enum, Description = p.Description,
    };

    private static Outputs? Clone(Outputs? outputs) => outputs is null ? null : new Outputs
    {
        Parameters = outputs.Parameters?.Select(CloneParameter).ToList(),
        Artifacts = outputs.Artifacts,
        Result = outputs.Result,
        ExitCode = outputs.ExitCode,
    };
}
