using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// One run of a WorkflowTemplate on the sunny path, as <c>argo submit --from workflowtemplate/NAME</c>
/// creates it: every pod succeeds at its first attempt, every <c>when</c> is evaluated with the
/// submitted parameters and the sample outputs (<see cref="ValueRoles"/>).
/// </summary>
public sealed record SunnyRun
{
    public required WorkflowTemplate Template { get; init; }

    /// <summary>The fleet's node names, in the order the plan lists them (a loop fed by a node list iterates them).</summary>
    public required IReadOnlyList<string> Fleet { get; init; }

    /// <summary>
    /// What an output feeding a loop holds for this fleet: the node names (default), or what the
    /// template's own rule makes of them (for kata-lifecycle-manager, NodeLoop.Items).
    /// </summary>
    public Func<IReadOnlyList<string>, IReadOnlyList<string>> LoopItems { get; init; } = fleet => fleet;

    /// <summary>Submitted parameters (<c>-p name=value</c>); each must be a workflow parameter of the template.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Random suffix Argo's <c>generateName</c> gets from the API server (5 characters).</summary>
    public string NameSuffix { get; init; } = "x7k2p";

    public string Uid { get; init; } = "3f6b2a0e-7c41-4d2a-9e5b-1a8c0d9f4e21";

    public DateTimeOffset StartedAt { get; init; } = new(2026, 3, 2, 9, 14, 7, TimeSpan.Zero);

    /// <summary>Seed for pod durations and the nodes workflow pods are scheduled on.</summary>
    public int Seed { get; init; } = 20260302;

    /// <summary>A previous run of the template exists, so every node carries <c>estimatedDuration</c> (all runs but the first).</summary>
    public bool WithEstimates { get; init; } = true;

    /// <summary>Value of any output the template does not use as a node list or count.</summary>
    public string SampleValue { get; init; } = "sample-value";

    public string WorkflowName => Template.Metadata.Name + "-" + NameSuffix;

    public string Namespace => Template.Metadata.Namespace ?? "argo";
}

/// <summary>The Workflow's recorded state at the end of the run (before its pods are garbage-collected).</summary>
public sealed class RecordedRun
{
    internal RecordedRun(SunnyRun run, List<RecordedNode> nodes, List<RecordedPod> pods, List<Parameter> globalOutputs,
        IReadOnlyDictionary<string, string> parameters, DateTimeOffset finishedAt, string phase, ValueRoles roles, int idCollisions)
    {
        Run = run;
        Entries = nodes;
        Pods = pods;
        GlobalOutputs = globalOutputs;
        Parameters = parameters;
        FinishedAt = finishedAt;
        Phase = phase;
        Roles = roles;
        IdCollisions = idCollisions;
        ById = nodes.GroupBy(n => n.Status.Id).ToDictionary(g => g.Key, g => g.First().Status);
    }

    public SunnyRun Run { get; }

    public string WorkflowName => Run.WorkflowName;

    /// <summary>Status entries in the order the controller created them.</summary>
    public IReadOnlyList<RecordedNode> Entries { get; }

    public IEnumerable<NodeStatus> Nodes => Entries.Select(e => e.Status);

    public IReadOnlyDictionary<string, NodeStatus> ById { get; }

    public IReadOnlyList<RecordedPod> Pods { get; }

    /// <summary><c>status.outputs.parameters</c>: outputs exported with <c>globalName</c>.</summary>
    public IReadOnlyList<Parameter> GlobalOutputs { get; }

    /// <summary>Workflow parameters after submission (template defaults and submitted values).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public DateTimeOffset FinishedAt { get; }

    public string Phase { get; }

    public ValueRoles Roles { get; }

    /// <summary>Two different node names with one FNV-32 ID (Argo would mix the two entries up).</summary>
    public int IdCollisions { get; }

    public NodeStatus Node(string name) =>
        Nodes.SingleOrDefault(n => n.Name == name) ?? throw new KeyNotFoundException($"no status entry named '{name}'");

    public int FleetEntries => Entries.Count(e => e.InLoop);

    public int FleetPods => Pods.Count(p => p.InLoop);
}

/// <summary>A status entry, and whether it was created inside a loop item (<c>withParam</c>, <c>withItems</c>, <c>withSequence</c>).</summary>
public sealed record RecordedNode(NodeStatus Status, bool InLoop);

/// <summary>
/// A workflow pod: its main container's environment and arguments after substitution, the size of
/// <c>ARGO_TEMPLATE</c> (the processed template without input parameters that Argo passes to its
/// executor) and the text substituted into that template.
/// </summary>
public sealed record RecordedPod(
    string NodeId, string NodeName, string PodName, string TemplateName, IReadOnlyList<EnvVar> Env,
    IReadOnlyList<string> Args, long ArgoTemplateBytes, string SubstitutedText, Outputs? Outputs, bool InLoop);
