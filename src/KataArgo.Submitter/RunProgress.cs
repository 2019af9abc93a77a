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
/// selected node in upgrade order with its status (from the phases of the node's
/// <c>upgrade-node</c> steps: cordon → cordoned, drain → draining, recycle → upgrading, verify →
/// verifying, uncordon done → completed, a failed step → failed, the exit handler's cleanup →
/// rolled-back), and every change with Argo's own timestamps, so that what a watcher prints does
/// not depend on how often it looked. Pure: the watch, the status view and the tests share it.
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

            var topSteps = Steps(root).Concat(Steps(exitHandler)).Where(s => s.TemplateName != LifecycleWorkflow.UpgradeNodes).ToList();
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
            var failedStep = Steps(root).FirstOrDefault(s => IsFailed(s) && s.TemplateName != LifecycleWorkflow.UpgradeNodes)
                ?? Steps(exitHandler).FirstOrDefault(IsFailed);
            // The first pod that failed for good says why, whatever the templates are called; the
            // Steps nodes above it only say "child '...' failed".
            var failedPod = FirstFailedPod(exitHandler, inExitHandler: false) ?? FirstFailedPod(exitHandler, inExitHandler: true);
            RunFailure? failure = phase is "Failed" or "Error"
                ? failedPod is not null ? new(NodeOf(failedPod), AttemptStepName(failedPod), failedPod.Message)
                : failedNode is not null ? new(failedNode.Node, failedNode.Step, failedNode.Message)
                : failedStep is not null ? new(null, StepName(failedStep), FailureMessage(failedStep))
                : new(null, null, status?.Message)
                : null;

            return new RunProgress(Name, workflow.Metadata.Namespace ?? "", workflow.Spec.Entrypoint ?? root?.TemplateName ?? LifecycleWorkflow.UpgradeAllNodes,
                phase, status?.Message, status?.StartedAt, status?.FinishedAt, from, target, nodes,
                [.. _events.OrderBy(e => e.At).ThenBy(Rank)], CurrentStep(topSteps, nodes), failure, cleanup is not null && IsFailed(cleanup));
        }

        /// <summary>At the same second, what ended comes before what started, and the run's end last.</summary>
        private static int Rank(ProgressEvent e) => e switch
        {
            { Subject: ProgressSubject.Workflow, Status: "Running" } => 0,
            { Subject: ProgressSubject.Workflow } => 3,
            { Status: "completed" or "failed" or "rolled-back" } => 1,
            _ => 2,
        };

        private NodeProgress ReadNode(string node, NodeStatus? loop, string? from, string? target, DateTimeOffset? rolledBackAt, bool finished)
        {
            if (loop is null)
                return new(node, finished ? NodeProgress.NotStarted : NodeProgress.Pending, null, from, null, null);

            var steps = Steps(loop).ToDictionary(StepName);
            string status = NodeProgress.Pending, version = from ?? "";
            string? step = null, message = null;
            var failed = false;
            void Change(DateTimeOffset? at, string newStatus, string stepName, string? newVersion = null)
            {
                if (at is null)
                    return;
                if (newStatus != status)
                    _events.Add(new(at.Value, ProgressSubject.Node, node, newStatus));
                (status, step, version) = (newStatus, stepName, newVersion ?? version);
            }

            foreach (var (stepName, nodeStatus, newVersion) in NodeSteps(target))
            {
                if (!steps.TryGetValue(stepName, out var s) || s.Type == "Skipped")
                    continue;
                Change(s.StartedAt, nodeStatus, stepName, newVersion);
                if (IsFailed(s))
                {
                    (failed, message) = (true, FailureMessage(s));
                    Change(s.FinishedAt ?? s.StartedAt, "failed", stepName);
                    break;
                }
                if (stepName == "uncordon" && s.Phase == "Succeeded")
                    Change(s.FinishedAt, "completed", stepName);
            }
            if (rolledBackAt is not null)
                Change(rolledBackAt, "rolled-back", step ?? "cleanup", from ?? "");
            return new(node, status, step, version.Length > 0 ? version : null, loop.StartedAt, loop.FinishedAt, failed, message);
        }

        /// <summary>The per-node steps in order, the status each sets when it starts and the version the node then runs.</summary>
        private static IEnumerable<(string Step, string Status, string? Version)> NodeSteps(string? target) =>
        [
            ("cordon", "cordoned", null),
            ("drain", "draining", null),
            ("recycle", "upgrading", target),
            ("verify", "verifying", null),
            ("uncordon", "verifying", null),
        ];

        /// <summary>The loop's nodes in upgrade order: the planned list, then any the loop ran beyond it.</summary>
        private IEnumerable<(string Node, NodeStatus? Status)> UpgradeNodes()
        {
            var runs = _byId.Values
                .Where(n => n.TemplateName == LifecycleWorkflow.UpgradeNode && n.Type == "Steps")
                .Select(n => (Node: InputValue(n, "node") ?? n.DisplayName ?? n.Id, Status: n, Index: LoopIndex(n)))
                .OrderBy(n => n.Index)
                .ToList();
            var loop = _byId.Values.FirstOrDefault(n => n.TemplateName == LifecycleWorkflow.UpgradeNodes && n.Type == "Steps");
            var planned = JsonList(loop is null ? null : InputValue(loop, "nodes")) ?? JsonList(Output("nodes")) ?? [];
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
