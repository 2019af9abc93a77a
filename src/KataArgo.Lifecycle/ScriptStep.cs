using Argo.Workflows.Client;

namespace KataArgo.Lifecycle;

/// <summary>
/// A step that runs one script from <c>templates/steps</c> in its own pod, as
/// <c>bash /kata-lifecycle/steps/SCRIPT</c> from the steps ConfigMap: restricted security context,
/// scratch space at /tmp, resources, a deadline, and inputs reaching the script only as
/// environment variables.
/// </summary>
internal sealed class ScriptStep(string name, string script, WorkflowParameter image)
{
    public const string OutputDirectory = "/tmp/outputs";
    public const string ScratchVolume = "scratch";
    public const string StepsVolume = "steps";

    private readonly List<string> _inputs = [];
    private readonly List<string> _optionalInputs = [];
    private readonly List<EnvVar> _env = [];
    private readonly List<Parameter> _outputs = [];
    private int _deadlineSeconds = 300;
    private bool _retry;
    private bool _avoidsInputNode;
    private bool _avoidsRolloutNodes;
    private string _memoryLimit = "256Mi";

    public string Name => name;

    /// <summary>A template input the script reads as an environment variable.</summary>
    public ScriptStep Input(string parameter, string env)
    {
        _inputs.Add(parameter);
        return Env(env, $"{{{{inputs.parameters.{parameter}}}}}");
    }

    public ScriptStep OptionalInput(string parameter, string env)
    {
        _optionalInputs.Add(parameter);
        return Env(env, $"{{{{inputs.parameters.{parameter}}}}}");
    }

    public ScriptStep Env(string env, string value)
    {
        _env.Add(new EnvVar { Name = env, Value = value });
        return this;
    }

    public ScriptStep Env(string env, WorkflowParameter parameter) => Env(env, parameter.Reference);

    /// <summary>An output the script writes to /tmp/outputs/NAME, also exported to the workflow's outputs.</summary>
    public ScriptStep Output(string parameter, bool global = false)
    {
        _outputs.Add(new Parameter
        {
            Name = parameter,
            GlobalName = global ? parameter : null,
            ValueFrom = new ValueFrom { Path = $"{OutputDirectory}/{parameter}" },
        });
        return this;
    }

    public ScriptStep Deadline(TimeSpan deadline)
    {
        _deadlineSeconds = (int)deadline.TotalSeconds;
        return this;
    }

    /// <summary>For steps that only talk to the API server and are safe to run again.</summary>
    public ScriptStep RetryOnTransientErrors()
    {
        _retry = true;
        return this;
    }

    /// <summary>Keeps this step's pod off the node it works on (its container runtime restarts).</summary>
    public ScriptStep AvoidNodeInput()
    {
        _avoidsInputNode = true;
        return this;
    }

    /// <summary>
    /// Keeps this step's pod off every node a rollout touched (LifecycleKeys.Rollout) and off the node
    /// this run upgrades next: the exit handler recycles those nodes, and a container runtime restart
    /// can take the pod's own node agent down with it (k3s, RKE2).
    /// </summary>
    public ScriptStep AvoidRolloutNodes()
    {
        _avoidsRolloutNodes = true;
        return this;
    }

    public ScriptStep MemoryLimit(string limit)
    {
        _memoryLimit = limit;
        return this;
    }

    public Template Build(LifecycleOptions options)
    {
        var inputs = _inputs.Select(p => new Parameter { Name = p })
            .Concat(_optionalInputs.Select(p => new Parameter { Name = p, Value = "" }))
            .ToList();
        return new Template
        {
            Name = name,
            Inputs = inputs.Count > 0 ? new Inputs { Parameters = inputs } : null,
            Outputs = _outputs.Count > 0 ? new Outputs { Parameters = [.. _outputs] } : null,
            ActiveDeadlineSeconds = _deadlineSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RetryStrategy = _retry ? TransientRetry() : null,
            Affinity = _avoidsInputNode ? NotOnNode("{{inputs.parameters.node}}", "{{workflow.name}}")
                : _avoidsRolloutNodes ? NotOnRolloutNode("{{workflow.name}}") : null,
            Container = new Container
            {
                Image = image.Reference,
                Command = ["bash", $"{StepScripts.MountPath}/{script}"],
                Env =
                [
                    new EnvVar { Name = StepScripts.DigestVariable, Value = StepScripts.Digest },
                    .. _avoidsInputNode || _avoidsRolloutNodes ? [PodNodeName] : Array.Empty<EnvVar>(),
                    .. _env,
                ],
                Resources = new ResourceRequirements
                {
                    Requests = new() { ["cpu"] = "50m", ["memory"] = "64Mi" },
                    Limits = new() { ["cpu"] = "500m", ["memory"] = _memoryLimit },
                },
                SecurityContext = RestrictedContainer(options),
                VolumeMounts =
                [
                    new VolumeMount { Name = ScratchVolume, MountPath = "/tmp" },
                    new VolumeMount { Name = StepsVolume, MountPath = StepScripts.MountPath, ReadOnly = true },
                ],
            },
        };
    }

    /// <summary>Pod Security Standards "restricted", with a read-only root filesystem.</summary>
    public static SecurityContext RestrictedContainer(LifecycleOptions options) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = options.RunAsUser,
        RunAsGroup = options.RunAsUser,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Privileged = false,
        Capabilities = new Capabilities { Drop = ["ALL"] },
        SeccompProfile = new SeccompProfile { Type = "RuntimeDefault" },
    };

    private static RetryStrategy TransientRetry() => new()
    {
        Limit = "3",
        RetryPolicy = "OnTransientError",
        Backoff = new Backoff { Duration = "10s", Factor = "2", MaxDuration = "5m" },
    };

    /// <summary>
    /// Not on the node named <paramref name="node"/> (a loop item that is a node's name), nor on the
    /// node this run marked as the one it upgrades next (LifecycleKeys.Next; for items that are
    /// plan indices). Both requirements in one term: the scheduler ANDs them.
    /// </summary>
    private static Affinity NotOnNode(string node, string run) => new()
    {
        NodeAffinity = new NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
            {
                NodeSelectorTerms =
                [
                    new NodeSelectorTerm
                    {
                        MatchFields = [new NodeSelectorRequirement { Key = "metadata.name", Operator = "NotIn", Values = [node] }],
                        MatchExpressions = [new NodeSelectorRequirement { Key = LifecycleKeys.Next, Operator = "NotIn", Values = [run] }],
                    },
                ],
            },
        },
    };

    /// <summary>Not on a node carrying a rollout's label, nor on the node this run marked as its next.</summary>
    private static Affinity NotOnRolloutNode(string run) => new()
    {
        NodeAffinity = new NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
            {
                NodeSelectorTerms =
                [
                    new NodeSelectorTerm
                    {
                        MatchExpressions =
                        [
                            new NodeSelectorRequirement { Key = LifecycleKeys.Rollout, Operator = "DoesNotExist" },
                            new NodeSelectorRequirement { Key = LifecycleKeys.Next, Operator = "NotIn", Values = [run] },
                        ],
                    },
                ],
            },
        },
    };

    /// <summary>The node the pod runs on (downward API), so the step can refuse to upgrade its own node.</summary>
    private static readonly EnvVar PodNodeName = new()
    {
        Name = "KATA_POD_NODE",
        ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.nodeName" } },
    };
}
