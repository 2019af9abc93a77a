using Argo.Workflows.Client;
using P = KataArgo.Lifecycle.WorkflowParameters;

namespace KataArgo.Lifecycle;

/// <summary>
/// Builds the kata-lifecycle-manager WorkflowTemplate (../shared/docs/lifecycle-spec.md):
/// preflight → select nodes and plan → stage (one helm upgrade, OnDelete) → per node, one at a
/// time, stop at the first failure: cordon, drain, recycle, verify, uncordon → finish; an exit
/// handler that rolls back to the revision recorded in preflight.
/// </summary>
public static class LifecycleWorkflow
{
    public const string UpgradeAllNodes = "upgrade-all-nodes";
    public const string RollbackNode = "rollback-node";
    public const string Recover = "recover";
    public const string ExitHandler = "exit-handler";
    public static readonly IReadOnlyList<string> Entrypoints = [UpgradeAllNodes, RollbackNode, Recover];

    /// <summary>The per-node step (one pod per node); the CLI reads a run's progress from it.</summary>
    public const string UpgradeNode = "upgrade-node";

    private const string NotDryRun = "{{workflow.parameters.dry-run}} == false";

    private const string StagedAndNodesSelected =
        "{{workflow.parameters.dry-run}} == false && {{steps.select-nodes.outputs.parameters.node-count}} > 0";

    public static WorkflowTemplate Build(LifecycleOptions options)
    {
        options.Validate();
        var steps = ScriptSteps().Select(s => s.Build(options));
        return new WorkflowTemplate
        {
            ApiVersion = "argoproj.io/v1alpha1",
            Kind = "WorkflowTemplate",
            Metadata = new ObjectMeta
            {
                Name = LifecycleKeys.TemplateName,
                Namespace = options.Namespace,
                Labels = options.Labels.Count > 0 ? new(options.Labels) : null,
                Annotations = new()
                {
                    ["workflows.argoproj.io/title"] = "Kata Containers upgrade, node by node",
                    ["workflows.argoproj.io/description"] =
                        "Upgrades the kata-deploy Helm release one node at a time: cordon, optional drain, recycle the " +
                        "kata-deploy pod, run the verification pod, uncordon. Stops at the first failure and rolls back " +
                        "to the pre-upgrade revision. Entrypoints: upgrade-all-nodes (default), recover (-p run=NAME), " +
                        "rollback-node (-p node-name=NODE).",
                },
            },
            Spec = new WorkflowSpec
            {
                Entrypoint = UpgradeAllNodes,
                OnExit = ExitHandler,
                ServiceAccountName = options.ServiceAccountName,
                ActiveDeadlineSeconds = options.ActiveDeadlineSeconds,
                Synchronization = new Synchronization
                {
                    // One run at a time per kata-deploy release.
                    Mutexes = [new Argo.Workflows.Client.Mutex { Name = "kata-lifecycle-{{workflow.parameters.helm-namespace}}-{{workflow.parameters.helm-release}}" }],
                },
                PodGC = new PodGC { Strategy = "OnWorkflowSuccess" },
                SecurityContext = new PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = options.RunAsUser,
                    RunAsGroup = options.RunAsUser,
                    FsGroup = options.RunAsUser,
                    SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
                },
                Volumes =
                [
                    new Volume { Name = ScriptStep.ScratchVolume, EmptyDir = new EmptyDirVolumeSource { SizeLimit = "256Mi" } },
                    new Volume { Name = ScriptStep.StepsVolume, ConfigMap = new ConfigMapVolumeSource { Name = options.StepsConfigMapName } },
                ],
                Arguments = new Arguments { Parameters = [.. P.All.Select(p => Argument(p, options))] },
                Templates =
                [
                    UpgradeAllNodesTemplate(),
                    RecoverTemplate(),
                    RollbackNodeTemplate(),
                    ExitHandlerTemplate(),
                    .. steps,
                ],
            },
        };
    }

    private static Parameter Argument(WorkflowParameter parameter, LifecycleOptions options) => new()
    {
        Name = parameter.Name,
        Value = options.DefaultFor(parameter),
        Description = parameter.Description,
        Enum = parameter.Choices is { } choices ? [.. choices] : null,
    };

    /// <summary>
    /// The run: preflight, select nodes, stage, then one <c>upgrade-node</c> pod per selected node
    /// — a flat withParam loop, one node at a time (<c>parallelism: 1</c>), stopping at the first
    /// failure (<c>failFast</c>) — and finish. Not recursion: Argo stops nested calls at depth 100.
    /// The loop sits in this template, so the node list is in the Workflow's status once (the
    /// select-nodes output) and each node adds one pod node (and its retry parent) to it. The loop
    /// has no <c>when</c>: Argo would expand it first and record a Skipped node per item; a dry run
    /// gets an empty list from select-nodes instead.
    /// </summary>
    private static Template UpgradeAllNodesTemplate()
    {
        var template = Steps(UpgradeAllNodes,
            Call("preflight", "preflight"),
            Call("select-nodes", "select-nodes",
                ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}"),
                ("from-version", "{{steps.preflight.outputs.parameters.from-version}}")),
            Call("stage", "stage",
                ("release-revision", "{{steps.preflight.outputs.parameters.release-revision}}"),
                ("from-version", "{{steps.preflight.outputs.parameters.from-version}}"),
                ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}"),
                ("update-strategy", "{{steps.preflight.outputs.parameters.update-strategy}}"),
                ("install-labels", "{{steps.preflight.outputs.parameters.install-labels}}")).When(StagedAndNodesSelected),
            Call(UpgradeNode, UpgradeNode,
                ("node", "{{item}}"),
                ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}"))
                .ForEachOf("{{steps.select-nodes.outputs.parameters.nodes}}"),
            // Also with no node selected: a rerun to the same target completes a rollout whose finish failed.
            Call("finish", "finish",
                ("release-revision", "{{steps.preflight.outputs.parameters.release-revision}}"),
                ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}")).When(NotDryRun));
        template.Parallelism = 1;
        template.FailFast = true;
        return template;
    }

    private static Template RecoverTemplate() =>
        Steps(Recover, Call("cleanup", "cleanup", ("mode", "recover"), ("run", P.Run.Reference)));

    private static Template RollbackNodeTemplate() =>
        Steps(RollbackNode, Call("cleanup", "cleanup", ("mode", "node"), ("node", P.NodeName.Reference)));

    private static Template ExitHandlerTemplate() =>
        Steps(ExitHandler, Call("cleanup", "cleanup", ("mode", "exit"), ("run", "{{workflow.name}}"), ("workflow-status", "{{workflow.status}}")));

    private static IEnumerable<ScriptStep> ScriptSteps()
    {
        yield return new ScriptStep("preflight", "preflight.sh", P.HelmImage)
            .Env("RUN", "{{workflow.name}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Env("TARGET_VERSION", P.TargetVersion).Env("HELM_RELEASE", P.HelmRelease).Env("HELM_NAMESPACE", P.HelmNamespace)
            .Env("KATA_DEPLOY_CHART", P.KataDeployChart).Env("NODE_SELECTOR", P.NodeSelector)
            .Env("NODE_TAINT_KEY", P.NodeTaintKey).Env("NODE_TAINT_VALUE", P.NodeTaintValue).Env("NODES", P.Nodes)
            .Env("VERIFICATION_NAMESPACE", P.VerificationNamespace).Env("VERIFICATION_POD", P.VerificationPod)
            .Env("VERIFICATION_TIMEOUT", P.VerificationTimeout).Env("RECYCLE_TIMEOUT", P.RecycleTimeout)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRAIN_TIMEOUT", P.DrainTimeout).Env("DRY_RUN", P.DryRun)
            .Env("HELM_IMAGE", P.HelmImage).Env("KUBECTL_IMAGE", P.KubectlImage)
            .Output("release-revision", global: true).Output("from-version", global: true)
            .Output("daemonset", global: true).Output("update-strategy", global: true).Output("install-labels")
            .Deadline(TimeSpan.FromMinutes(10)).RetryOnTransientErrors().MemoryLimit("512Mi");

        yield return new ScriptStep("select-nodes", "select-nodes.sh", P.KubectlImage)
            .Input("daemonset", "DAEMONSET").Input("from-version", "FROM_VERSION")
            .Env("HELM_NAMESPACE", P.HelmNamespace).Env("TARGET_VERSION", P.TargetVersion)
            .Env("NODE_SELECTOR", P.NodeSelector).Env("NODE_TAINT_KEY", P.NodeTaintKey)
            .Env("NODE_TAINT_VALUE", P.NodeTaintValue).Env("NODES", P.Nodes)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRY_RUN", P.DryRun)
            .Env("RUN", "{{workflow.name}}").Env("RUN_UID", "{{workflow.uid}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Output("nodes").Output("node-count")
            .Deadline(TimeSpan.FromMinutes(5)).RetryOnTransientErrors();

        yield return new ScriptStep("stage", "stage.sh", P.HelmImage)
            .Input("release-revision", "RELEASE_REVISION").Input("from-version", "FROM_VERSION")
            .Input("daemonset", "DAEMONSET").Input("update-strategy", "UPDATE_STRATEGY").Input("install-labels", "INSTALL_LABELS")
            .Env("RUN", "{{workflow.name}}").Env("RUN_UID", "{{workflow.uid}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Env("HELM_RELEASE", P.HelmRelease).Env("HELM_NAMESPACE", P.HelmNamespace).Env("KATA_DEPLOY_CHART", P.KataDeployChart)
            .Env("TARGET_VERSION", P.TargetVersion).Env("VERIFICATION_NAMESPACE", P.VerificationNamespace)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRAIN_TIMEOUT", P.DrainTimeout)
            .Deadline(TimeSpan.FromMinutes(20)).MemoryLimit("512Mi");

        // One pod per node: cordon, drain, recycle, verify, uncordon, each phase under its own deadline.
        // No retryStrategy: Argo would record a Retry node over every node's pod, which doubles the
        // Workflow's size per fleet node (docs/workflow.md, "Scale"); the phases retry API errors.
        yield return new ScriptStep(UpgradeNode, "upgrade-node.sh", P.KubectlImage)
            .Input("node", "NODE").Input("daemonset", "DAEMONSET")
            .Env("RUN", "{{workflow.name}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Env("HELM_NAMESPACE", P.HelmNamespace).Env("TARGET_VERSION", P.TargetVersion)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRAIN_TIMEOUT", P.DrainTimeout).Env("RECYCLE_TIMEOUT", P.RecycleTimeout)
            .Env("VERIFICATION_NAMESPACE", P.VerificationNamespace).Env("VERIFICATION_POD", P.VerificationPod)
            .Env("VERIFICATION_TIMEOUT", P.VerificationTimeout)
            .AvoidNodeInput().Deadline(UpgradeNodeDeadline());

        yield return new ScriptStep("finish", "finish.sh", P.HelmImage)
            .Input("release-revision", "RELEASE_REVISION").Input("daemonset", "DAEMONSET")
            .Env("RUN", "{{workflow.name}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Env("HELM_RELEASE", P.HelmRelease).Env("HELM_NAMESPACE", P.HelmNamespace)
            .Env("KATA_DEPLOY_CHART", P.KataDeployChart).Env("TARGET_VERSION", P.TargetVersion)
            .Deadline(TimeSpan.FromMinutes(20)).MemoryLimit("512Mi");

        // Exit handler, recover and rollback-node: idempotent, so it may be retried and re-run.
        yield return new ScriptStep("cleanup", "cleanup.sh", P.HelmImage)
            .Input("mode", "MODE").OptionalInput("run", "RUN").OptionalInput("node", "NODE_NAME")
            .OptionalInput("workflow-status", "WORKFLOW_STATUS")
            .Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}").Env("RECYCLE_TIMEOUT", P.RecycleTimeout)
            .AvoidRolloutNodes()
            .Deadline(TimeSpan.FromHours(12)).RetryOnTransientErrors().MemoryLimit("512Mi");
    }

    /// <summary>The sum of upgrade-node.sh's phase deadlines at their parameters' maxima, plus a margin for the pod.</summary>
    public static TimeSpan UpgradeNodeDeadline() =>
        StepScripts.PhaseApiDeadline * 2
        + P.DrainTimeout.MaxDuration!.Value + StepScripts.PhaseMargin
        + P.RecycleTimeout.MaxDuration!.Value * 2 + StepScripts.PhaseMargin
        + P.VerificationTimeout.MaxDuration!.Value + StepScripts.PhaseMargin
        + StepScripts.PhaseMargin;

    private static Template Steps(string name, params WorkflowStep[] sequence) => new()
    {
        Name = name,
        Steps = [.. sequence.Select(step => new ParallelSteps { step })],
    };

    private static WorkflowStep Call(string name, string template, params (string Name, string Value)[] arguments) => new()
    {
        Name = name,
        Template = template,
        Arguments = arguments.Length > 0
            ? new Arguments { Parameters = [.. arguments.Select(a => new Parameter { Name = a.Name, Value = a.Value })] }
            : null,
    };
}

internal static class WorkflowStepExtensions
{
    public static WorkflowStep When(this WorkflowStep step, string condition)
    {
        step.When = condition;
        return step;
    }

    public static WorkflowStep ForEachOf(this WorkflowStep step, string jsonList)
    {
        step.WithParam = jsonList;
        return step;
    }
}
