using System.Text.Json;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>One node of a run: its status as the workflow's steps wrote it on the cluster node.</summary>
/// <param name="Step">The step it is in, or the one it failed at.</param>
/// <param name="Failed">A step failed on this node (its status may since be rolled-back).</param>
public sealed record NodeProgress(
    string Node, string Status, string? Step, string? Version,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, bool Failed = false, string? Message = null)
{
    public const string Pending = "pending";
    public const string NotStarted = "not started";

    public TimeSpan? Elapsed(DateTimeOffset now) => StartedAt is { } started ? (FinishedAt ?? now) - started : null;
}

public enum ProgressSubject { Workflow, Step, Node }

/// <summary>A change in a run, dated by Argo: the workflow's phase, a step starting or failing, a node's status.</summary>
public sealed record ProgressEvent(DateTimeOffset At, ProgressSubject Subject, string Name, string Status)
{
    /// <summary>"12:00:03 node-b verifying", "12:00:00 step preflight", "12:09:41 workflow Succeeded" (UTC).</summary>
    public string Line => $"{At.UtcDateTime:HH:mm:ss} {Subject switch
    {
        ProgressSubject.Workflow => "workflow " + Status,
        ProgressSubject.Step => Status.Length == 0 ? "step " + Name : $"step {Name} {Status}",
        _ => $"{Name} {Status}",
    }}";
}

/// <summary>Where a failed run failed: the node (if any), the step and what Argo said.</summary>
public sealed record RunFailure(string? Node, string? Step, string? Message);

/// <summary>
/// A run of kata-lifecycle-manager read from its Workflow object: the workflow's phase, each
/// selected node in upgrade order with its status, and the changes Argo dated. A node is one
/// <c>upgrade-node</c> pod (under a Retry node when Argo tried it again); its phase is the pod's
/// self-reported progress N/5 (StepScripts.NodePhases: 1 cordon → cordoned, 2 drain → draining,
/// 3 recycle → upgrading, 4 verify and 5 uncordon → verifying), a succeeded pod is completed, a
/// failed one failed at the phase its termination message names ("NODE: PHASE failed: REASON"),
/// and the exit handler's cleanup makes the run's nodes rolled-back. Events carry Argo's own
/// timestamps (a node's start and end), so they do not depend on how often a watcher looked;
/// the phases between are in <see cref="NodeProgress.Status"/>. Pure: the watch, the status view
/// and the tests share it.
/// </summary>
public sealed partial record RunProgress(
    string Name, string Namespace, string Entrypoint, string Phase, string? Message,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? FromVersion, string? TargetVersion,
    IReadOnlyList<NodeProgress> Nodes,
    IReadOnlyList<ProgressEvent> Events,
    string? CurrentStep,
    RunFailure? Failure,
    bool CleanupFailed)
{
    /// <summary>
    /// When the workflow controller last wrote this Workflow (its managedFields entry): the date of
    /// what the object shows now, such as a node's phase between its start and end.
    /// </summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    public bool IsFinished => Phase is "Succeeded" or "Failed" or "Error";
    public bool Succeeded => Phase == "Succeeded";

    public TimeSpan? Elapsed(DateTimeOffset now) => StartedAt is { } started ? (FinishedAt ?? now) - started : null;

    public static RunProgress Read(Workflow workflow) => new Reader(workflow).Read();

    private sealed partial class Reader(Workflow workflow)
    {
        private readonly Dictionary<string, NodeStatus> _byId = (workflow.Status?.Nodes ?? []).Values.ToDictionary(n => n.Id);
        private readonly List<ProgressEvent> _events = [];
        private string Name => workflow.Metadata.Name ?? "";

        public RunProgress Read()
        {
            var status = workflow.Status;
            var phase = string.IsNullOrEmpty(status?.Phase) ? "Pending" : status.Phase;
            var root = _byId.GetValueOrDefault(Name) ?? _byId.Values.FirstOrDefault(n => n.BoundaryID is null && n.Type == "Steps" && !IsExitHandler(n));
            var exitHandler = _byId.Values.FirstOrDefault(IsExitHandler);
            var from = Output("from-version");
            var target = Argument(WorkflowParameters.TargetVersion.Name);

            if (status?.StartedAt is { } started)
                _events.Add(new(started, ProgressSubject.Workflow, Name, "Running"));

            var topSteps = Steps(root).Concat(Steps(exitHandler)).Where(s => s.TemplateName != LifecycleWorkflow.UpgradeNode).ToList();
            foreach (var step in topSteps.Where(s => s.Type != "Skipped" && s.StartedAt is not null))
            {
                _events.Add(new(step.StartedAt!.Value, ProgressSubject.Step, StepName(step), ""));
                if (IsFailed(step) && step.FinishedAt is { } failedAt)
                    _events.Add(new(failedAt, ProgressSubject.Step, StepName(step), "failed"));
            }

            var cleanup = Steps(exitHandler).FirstOrDefault(s => s.TemplateName == "cleanup");
            var rolledBackAt = cleanup is { Phase: "Succeeded" } && root?.Phase is "Failed" or "Error" ? cleanup.FinishedAt : null;
            var finished = phase is "Succeeded" or "Failed" or "Error";
            var nodes = UpgradeNodes().Select(n => ReadNode(n.Node, n.Status, from, target, rolledBackAt, finished)).ToList();

            if (finished && status?.FinishedAt is { } finishedAt)
                _events.Add(new(finishedAt, ProgressSubject.Workflow, Name, phase));

            var failedNode = nodes.FirstOrDefault(n => n.Failed);
            // The loop's failure is a node's; the exit handler's counts only when nothing failed before it.
            var failedStep = Steps(root).FirstOrDefault(s => IsFailed(s) && s.TemplateName != LifecycleWorkflow.UpgradeNode)
                ?? Steps(exitHandler).FirstOrDefault(IsFailed);
            // The first pod that failed for good says why, whatever the templates are called; the
            // Steps nodes above it only say "child '...' failed".
            var failedPod = FirstFailedPod(exitHandler, inExitHandler: false) ?? FirstFailedPod(exitHandler, inExitHandler: true);
            RunFailure? failure = phase is "Failed" or "Error"
                ? failedNode is not null ? new(failedNode.Node, failedNode.Step, failedNode.Message)
                : failedPod is not null ? new(NodeOf(failedPod), AttemptStepName(failedPod), Reason(failedPod.Message))
                : failedStep is not null ? new(null, StepName(failedStep), FailureMessage(failedStep))
                : new(null, null, status?.Message)
                : null;

            return new RunProgress(Name, workflow.Metadata.Namespace ?? "", workflow.Spec.Entrypoint ?? root?.TemplateName ?? LifecycleWorkflow.UpgradeAllNodes,
                phase, status?.Message, status?.StartedAt, status?.FinishedAt, from, target, nodes,
                [.. _events.OrderBy(e => e.At).ThenBy(Rank)], CurrentStep(topSteps, nodes), failure, cleanup is not null && IsFailed(cleanup))
            {
                UpdatedAt = workflow.Metadata.ManagedFields?.Where(f => f.Manager == "workflow-controller" && f.Time is not null)
                    .Select(f => f.Time).Max(),
            };
        }

        /// <summary>At the same second, what ended comes before what started, and the run's end last.</summary>
        private static int Rank(ProgressEvent e) => e switch
        {
            { Subject: ProgressSubject.Workflow, Status: "Running" } => 0,
            { Subject: ProgressSubject.Workflow } => 3,
            { Status: "completed" or "failed" or "rolled-back" } => 1,
            _ => 2,
        };

        private NodeProgress ReadNode(string node, NodeStatus? step, string? from, string? target, DateTimeOffset? rolledBackAt, bool finished)
        {
            if (step is null)
                return new(node, finished ? NodeProgress.NotStarted : NodeProgress.Pending, null, from, null, null);

            var pod = LastAttempt(step);
            string status, version = from ?? "";
            string? phase = null, message = null;
            var failed = false;
            if (pod.StartedAt is { } started && pod.Phase is not "Pending")
                _events.Add(new(started, ProgressSubject.Node, node, "cordoned"));
            switch (step.Phase)
            {
                case "Succeeded":
                    (status, phase, version) = ("completed", StepScripts.NodePhases[^1], target ?? version);
                    if (step.FinishedAt is { } doneAt)
                        _events.Add(new(doneAt, ProgressSubject.Node, node, status));
                    break;
                case "Failed" or "Error":
                    (failed, status) = (true, "failed");
                    (phase, message) = NodeFailure(node, pod);
                    if (PhaseIndex(pod) >= RecyclePhase)
                        version = target ?? version;
                    if ((step.FinishedAt ?? pod.FinishedAt) is { } failedAt)
                        _events.Add(new(failedAt, ProgressSubject.Node, node, status));
                    break;
                case "Running" when PhaseIndex(pod) is var index and > 0:
                    phase = StepScripts.NodePhases[index - 1];
                    status = NodeStatuses[index - 1];
                    if (index >= RecyclePhase)
                        version = target ?? version;
                    break;
                case "Running":
                    (status, phase) = ("cordoned", StepScripts.NodePhases[0]);
                    break;
                default:
                    status = NodeProgress.Pending;
                    break;
            }
            if (rolledBackAt is not null && status is not NodeProgress.Pending)
            {
                _events.Add(new(rolledBackAt.Value, ProgressSubject.Node, node, "rolled-back"));
                (status, version) = ("rolled-back", from ?? "");
            }
            return new(node, status, phase, version.Length > 0 ? version : null, step.StartedAt, step.FinishedAt, failed, message);
        }

        /// <summary>The node status while each phase of StepScripts.NodePhases runs.</summary>
        private static readonly string[] NodeStatuses = ["cordoned", "draining", "upgrading", "verifying", "verifying"];

        /// <summary>From the recycle phase on, the node runs the target version.</summary>
        private const int RecyclePhase = 3;

        /// <summary>The phase N of the pod's progress N/M, 0 when it reported none.</summary>
        private static int PhaseIndex(NodeStatus pod) =>
            pod.Progress is { } progress && progress.Split('/') is [var n, var m]
            && int.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && m == StepScripts.NodePhases.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && index >= 1 && index <= StepScripts.NodePhases.Count ? index : 0;

        /// <summary>
        /// The phase and reason of a failed node: from the termination message upgrade-node.sh leaves
        /// ("NODE: PHASE failed: REASON"), which Argo shows as "main: Error (exit code 1): ...";
        /// otherwise the phase its progress reached and Argo's message as it is.
        /// </summary>
        private static (string? Phase, string? Message) NodeFailure(string node, NodeStatus pod)
        {
            var message = pod.Message;
            if (message is null)
                return (PhaseIndex(pod) is var i and > 0 ? StepScripts.NodePhases[i - 1] : null, null);
            var own = message.IndexOf(node + ": ", StringComparison.Ordinal);
            var text = own >= 0 ? message[own..] : message;
            foreach (var phase in StepScripts.NodePhases)
                if (text.StartsWith($"{node}: {phase} failed: ", StringComparison.Ordinal))
                    return (phase, text[$"{node}: {phase} failed: ".Length..]);
            return (PhaseIndex(pod) is var index and > 0 ? StepScripts.NodePhases[index - 1] : null, text);
        }

        /// <summary>The pod of a step: itself, or the last attempt of its Retry node.</summary>
        private NodeStatus LastAttempt(NodeStatus step) =>
            step.Type == "Retry"
                ? (step.Children ?? []).Select(id => _byId.GetValueOrDefault(id)).LastOrDefault(c => c is not null) ?? step
                : step;

        /// <summary>The nodes in upgrade order: the planned list, then any the loop ran beyond it.</summary>
        private IEnumerable<(string Node, NodeStatus? Status)> UpgradeNodes()
        {
            var attempts = _byId.Values.Where(n => n.Type == "Retry").SelectMany(n => n.Children ?? []).ToHashSet();
            var runs = _byId.Values
                .Where(n => n.TemplateName == LifecycleWorkflow.UpgradeNode && n.Type is "Pod" or "Retry" && !attempts.Contains(n.Id))
                .Select(n => (Node: InputValue(n, "node") ?? n.DisplayName ?? n.Id, Status: n, Index: LoopIndex(n)))
                .OrderBy(n => n.Index)
                .ToList();
            var planned = JsonList(Output("nodes")) ?? [];
            foreach (var node in planned)
                yield return (node, runs.FirstOrDefault(r => r.Node == node).Status);
            foreach (var run in runs.Where(r => !planned.Contains(r.Node)))
                yield return (run.Node, run.Status);
        }

        private string? CurrentStep(List<NodeStatus> topSteps, List<NodeProgress> nodes)
        {
            if (nodes.FirstOrDefault(n => n.Status is "cordoned" or "draining" or "upgrading" or "verifying" && n.FinishedAt is null) is { } active)
                return $"{active.Node}: {active.Step}";
            return topSteps.LastOrDefault(s => s.Phase is "Running" or "Pending" && s.Type != "Skipped") is { } running ? StepName(running) : null;
        }

        /// <summary>The steps directly inside a steps template's node (not step groups, not retry attempts).</summary>
        private IEnumerable<NodeStatus> Steps(NodeStatus? scope)
        {
            if (scope is null)
                return [];
            var attempts = _byId.Values.Where(n => n.Type == "Retry").SelectMany(n => n.Children ?? []).ToHashSet();
            return _byId.Values
                .Where(n => n.BoundaryID == scope.Id && n.Type != "StepGroup" && !attempts.Contains(n.Id))
                .OrderBy(n => n.StartedAt ?? DateTimeOffset.MaxValue);
        }

        /// <summary>The earliest failed pod inside (or outside) the exit handler, leaving out attempts a retry made good.</summary>
        private NodeStatus? FirstFailedPod(NodeStatus? exitHandler, bool inExitHandler)
        {
            var healed = _byId.Values.Where(n => n.Type == "Retry" && n.Phase == "Succeeded").SelectMany(n => n.Children ?? []).ToHashSet();
            return _byId.Values
                .Where(n => n.Type == "Pod" && IsFailed(n) && !healed.Contains(n.Id) && Within(n, exitHandler) == inExitHandler)
                .OrderBy(n => n.FinishedAt ?? n.StartedAt ?? DateTimeOffset.MaxValue)
                .FirstOrDefault();
        }

        /// <summary>Whether a node lies inside <paramref name="scope"/>, following boundaries up.</summary>
        private bool Within(NodeStatus node, NodeStatus? scope)
        {
            for (var current = node; scope is not null && current is not null; current = current.BoundaryID is { } up ? _byId.GetValueOrDefault(up) : null)
                if (current.Id == scope.Id)
                    return true;
            return false;
        }

        /// <summary>The cluster node a pod worked on: the nearest enclosing step with a "node" input, else the pod's host.</summary>
        private string? NodeOf(NodeStatus pod)
        {
            for (var current = pod; current is not null; current = current.BoundaryID is { } up ? _byId.GetValueOrDefault(up) : null)
                if (InputValue(current, "node") is { Length: > 0 } node)
                    return node;
            return null;
        }

        /// <summary>
        /// The reason a step gave: every step leaves its one-line error as its termination message,
        /// which Argo shows as "main: Error (exit code 1): REASON".
        /// </summary>
        private static string? Reason(string? message) =>
            message is not null && ArgoContainerPrefix().Match(message) is { Success: true } m ? message[m.Length..] : message;

        [GeneratedRegex(@"^main: [A-Za-z]+ \(exit code \d+\): ")]
        private static partial Regex ArgoContainerPrefix();

        /// <summary>"verify" for a pod named "verify" or a retry attempt "verify(1)".</summary>
        private static string AttemptStepName(NodeStatus pod) => AttemptSuffix().Replace(StepName(pod), "");

        [GeneratedRegex(@"\(\d+\)$")]
        private static partial Regex AttemptSuffix();

        /// <summary>A failed pod's own message ("Error (exit code 1)") says more than its retry node's.</summary>
        private string? FailureMessage(NodeStatus step)
        {
            var attempt = step.Type == "Retry"
                ? (step.Children ?? []).Select(id => _byId.GetValueOrDefault(id)).LastOrDefault(c => c is not null && IsFailed(c))
                : null;
            return attempt?.Message ?? step.Message;
        }

        private string? Output(string name) =>
            workflow.Status?.Outputs?.Parameters?.FirstOrDefault(p => p.Name == name)?.Value
            ?? _byId.Values.Where(n => n.Type == "Pod").SelectMany(n => n.Outputs?.Parameters ?? []).FirstOrDefault(p => p.Name == name)?.Value;

        private string? Argument(string name) =>
            workflow.Spec.Arguments?.Parameters?.FirstOrDefault(p => p.Name == name)?.Value
            ?? workflow.Status?.StoredWorkflowTemplateSpec?.Arguments?.Parameters?.FirstOrDefault(p => p.Name == name)?.Value;

        private bool IsExitHandler(NodeStatus node) => node.Name == Name + ".onExit";

        private static bool IsFailed(NodeStatus node) => node.Phase is "Failed" or "Error";

        private static string StepName(NodeStatus node) => node.DisplayName ?? node.TemplateName ?? node.Id;

        private static string? InputValue(NodeStatus node, string name) => node.Inputs?.Parameters?.FirstOrDefault(p => p.Name == name)?.Value;

        private static int LoopIndex(NodeStatus node) =>
            LoopIndexPattern().Match(node.DisplayName ?? "") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;

        private static List<string>? JsonList(string? json)
        {
            if (string.IsNullOrWhiteSpace(json))
                return null;
            try
            {
                return JsonSerializer.Deserialize<List<string>>(json);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        [GeneratedRegex(@"\((\d+):")]
        private static partial Regex LoopIndexPattern();
    }
}
