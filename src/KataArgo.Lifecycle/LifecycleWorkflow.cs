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

    // Template names of the loop; the CLI reads a run's progress from them.
    public const string UpgradeNodes = "upgrade-nodes";
    public const string UpgradeNode = "upgrade-node";

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
                Volumes = [new Volume { Name = ScriptStep.ScratchVolume, EmptyDir = new EmptyDirVolumeSource { SizeLimit = "256Mi" } }],
                Arguments = new Arguments { Parameters = [.. P.All.Select(p => Argument(p, options))] },
                Templates =
                [
                    UpgradeAllNodesTemplate(),
                    UpgradeNodesTemplate(),
                    UpgradeNodeTemplate(),
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

    private static Template UpgradeAllNodesTemplate() => Steps(UpgradeAllNodes,
        Call("preflight", "preflight"),
        Call("select-nodes", "select-nodes",
            ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}"),
            ("from-version", "{{steps.preflight.outputs.parameters.from-version}}")),
        Call("stage", "stage",
            ("release-revision", "{{steps.preflight.outputs.parameters.release-revision}}"),
            ("from-version", "{{steps.preflight.outputs.parameters.from-version}}"),
            ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}"),
            ("update-strategy", "{{steps.preflight.outputs.parameters.update-strategy}}"),
            ("nodes", "{{steps.select-nodes.outputs.parameters.nodes}}")).When(StagedAndNodesSelected),
        Call(UpgradeNodes, UpgradeNodes,
            ("nodes", "{{steps.select-nodes.outputs.parameters.nodes}}"),
            ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}")).When(StagedAndNodesSelected),
        Call("finish", "finish",
            ("release-revision", "{{steps.preflight.outputs.parameters.release-revision}}"),
            ("daemonset", "{{steps.preflight.outputs.parameters.daemonset}}")).When(StagedAndNodesSelected));

    /// <summary>
    /// The flat per-node loop: withParam over the selected nodes, one at a time, stopping at the
    /// first failure. Not recursion: Argo stops nested calls at depth 100.
    /// </summary>
    private static Template UpgradeNodesTemplate()
    {
        var template = Steps(UpgradeNodes,
            Call(UpgradeNode, UpgradeNode, ("node", "{{item}}"), ("daemonset", "{{inputs.parameters.daemonset}}"))
                .ForEachOf("{{inputs.parameters.nodes}}"));
        template.Inputs = new Inputs { Parameters = [new Parameter { Name = "nodes" }, new Parameter { Name = "daemonset" }] };
        template.Parallelism = 1;
        template.FailFast = true;
        return template;
    }

    private static Template UpgradeNodeTemplate()
    {
        var template = Steps(UpgradeNode,
            Call("cordon", "cordon", ("node", "{{inputs.parameters.node}}")),
            Call("drain", "drain", ("node", "{{inputs.parameters.node}}")).When("{{workflow.parameters.drain-enabled}} == true"),
            Call("recycle", "recycle", ("node", "{{inputs.parameters.node}}"), ("daemonset", "{{inputs.parameters.daemonset}}")),
            Call("verify", "verify", ("node", "{{inputs.parameters.node}}")),
            Call("uncordon", "uncordon", ("node", "{{inputs.parameters.node}}")));
        template.Inputs = new Inputs { Parameters = [new Parameter { Name = "node" }, new Parameter { Name = "daemonset" }] };
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
            .Env("RUN", "{{workflow.name}}")
            .Env("TARGET_VERSION", P.TargetVersion).Env("HELM_RELEASE", P.HelmRelease).Env("HELM_NAMESPACE", P.HelmNamespace)
            .Env("KATA_DEPLOY_CHART", P.KataDeployChart).Env("NODE_SELECTOR", P.NodeSelector)
            .Env("NODE_TAINT_KEY", P.NodeTaintKey).Env("NODE_TAINT_VALUE", P.NodeTaintValue).Env("NODES", P.Nodes)
            .Env("VERIFICATION_NAMESPACE", P.VerificationNamespace).Env("VERIFICATION_POD", P.VerificationPod)
            .Env("VERIFICATION_TIMEOUT", P.VerificationTimeout).Env("RECYCLE_TIMEOUT", P.RecycleTimeout)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRAIN_TIMEOUT", P.DrainTimeout).Env("DRY_RUN", P.DryRun)
            .Env("HELM_IMAGE", P.HelmImage).Env("KUBECTL_IMAGE", P.KubectlImage)
            .Output("release-revision", global: true).Output("from-version", global: true)
            .Output("daemonset", global: true).Output("update-strategy", global: true)
            .Deadline(TimeSpan.FromMinutes(10)).RetryOnTransientErrors().MemoryLimit("512Mi");

        yield return new ScriptStep("select-nodes", "select-nodes.sh", P.KubectlImage)
            .Input("daemonset", "DAEMONSET").Input("from-version", "FROM_VERSION")
            .Env("HELM_NAMESPACE", P.HelmNamespace).Env("TARGET_VERSION", P.TargetVersion)
            .Env("NODE_SELECTOR", P.NodeSelector).Env("NODE_TAINT_KEY", P.NodeTaintKey)
            .Env("NODE_TAINT_VALUE", P.NodeTaintValue).Env("NODES", P.Nodes)
            .Env("DRAIN_ENABLED", P.DrainEnabled).Env("DRY_RUN", P.DryRun)
            .Output("nodes", global: true).Output("node-count")
            .Deadline(TimeSpan.FromMinutes(5)).RetryOnTransientErrors();

        yield return new ScriptStep("stage", "stage.sh", P.HelmImage)
            .Input("release-revision", "RELEASE_REVISION").Input("from-version", "FROM_VERSION")
            .Input("daemonset", "DAEMONSET").Input("update-strategy", "UPDATE_STRATEGY").Input("nodes", "NODES_PLANNED")
            .Env("RUN", "{{workflow.name}}").Env("RUN_UID", "{{workflow.uid}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .Env("HELM_RELEASE", P.HelmRelease).Env("HELM_NAMESPACE", P.HelmNamespace).Env("KATA_DEPLOY_CHART", P.KataDeployChart)
            .Env("TARGET_VERSION", P.TargetVersion).Env("VERIFICATION_NAMESPACE", P.VerificationNamespace)
            .Deadline(TimeSpan.FromMinutes(20)).MemoryLimit("512Mi");

        yield return new ScriptStep("cordon", "cordon.sh", P.KubectlImage)
            .Input("node", "NODE").Env("RUN", "{{workflow.name}}").Env("WORKFLOW_NAMESPACE", "{{workflow.namespace}}")
            .AvoidNodeInput().Deadline(TimeSpan.FromMinutes(5)).RetryOnTransientErrors();

        yield return new ScriptStep("drain", "drain.sh", P.KubectlImage)
            .Input("node", "NODE").Env("DRAIN_TIMEOUT", P.DrainTimeout)
            .AvoidNodeInput().Deadline(P.DrainTimeout.MaxDuration!.Value + TimeSpan.FromMinutes(5)).RetryOnTransientErrors();

        yield return new ScriptStep("recycle", "recycle.sh", P.KubectlImage)
            .Input("node", "NODE").Input("daemonset", "DAEMONSET")
            .Env("HELM_NAMESPACE", P.HelmNamespace).Env("RECYCLE_TIMEOUT", P.RecycleTimeout)
            .AvoidNodeInput().Deadline(P.RecycleTimeout.MaxDuration!.Value + TimeSpan.FromMinutes(5));

        yield return new ScriptStep("verify", "verify.sh", P.KubectlImage)
            .Input("node", "NODE").Env("RUN", "{{workflow.name}}")
            .Env("VERIFICATION_NAMESPACE", P.VerificationNamespace).Env("VERIFICATION_POD", P.VerificationPod)
            .Env("VERIFICATION_TIMEOUT", P.VerificationTimeout)
            .AvoidNodeInput().Deadline(P.VerificationTimeout.MaxDuration!.Value + TimeSpan.FromMinutes(5));

        yield return new ScriptStep("uncordon", "uncordon.sh", P.KubectlImage)
            .Input("node", "NODE").Env("RUN", "{{workflow.name}}").Env("TARGET_VERSION", P.TargetVersion)
            .AvoidNodeInput().Deadline(TimeSpan.FromMinutes(5)).RetryOnTransientErrors();

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
            .Deadline(TimeSpan.FromHours(12)).RetryOnTransientErrors().MemoryLimit("512Mi");
    }

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
