using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>A run of one entrypoint of the kata-lifecycle-manager WorkflowTemplate, checked before anything is sent.</summary>
/// <param name="Name">The Workflow's name, chosen here so a retried submission cannot start a second run.</param>
/// <param name="SubmissionId">Recorded as an annotation: tells our own earlier attempt from a name clash.</param>
public sealed record RunRequest(string Entrypoint, IReadOnlyList<KeyValuePair<string, string>> Parameters, string Name, string SubmissionId)
{
    /// <summary>The user chose the name (--name): a clash is an error, not a reason to pick another.</summary>
    public bool NameGiven { get; init; }

    public const string TemplateName = LifecycleKeys.TemplateName;

    /// <summary>Annotation carrying <see cref="SubmissionId"/>.</summary>
    public const string SubmissionAnnotation = "katacontainers.io/kata-argo-submission";

    /// <summary>Label Argo itself puts on workflows submitted from a WorkflowTemplate.</summary>
    public const string WorkflowTemplateLabel = "workflows.argoproj.io/workflow-template";

    public string? Parameter(string name) => Parameters.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>
    /// Validates <c>-p name=value</c> arguments against the parameter catalog: unknown names, malformed
    /// values, parameters the entrypoint requires, combinations preflight refuses.
    /// </summary>
    public static RunRequest Create(string? entrypoint, IEnumerable<string> assignments, string? name = null)
    {
        entrypoint ??= LifecycleWorkflow.UpgradeAllNodes;
        if (!LifecycleWorkflow.Entrypoints.Contains(entrypoint))
            throw Invalid($"--entrypoint '{entrypoint}' is not an entrypoint of {TemplateName}; use one of: {string.Join(", ", LifecycleWorkflow.Entrypoints)}");

        var parameters = ParseAssignments(assignments);
        var byName = parameters.ToDictionary(p => p.Key, p => p.Value);
        if (Required(entrypoint) is { } required && byName.GetValueOrDefault(required.Name, "").Length == 0)
            throw Invalid($"{required.Name} is required for entrypoint {entrypoint}; e.g. -p {required.Name}={Example(required)}");
        if (NodeSelection.CheckParameters(byName) is { } inconsistent)
            throw Invalid(inconsistent);

        if (name is not null && !ParameterRules.IsDnsLabel(name))
            throw Invalid($"--name '{name}' is not a workflow name; use lowercase letters, digits and '-' (at most 63)");
        return new RunRequest(entrypoint, parameters, name ?? WorkflowNames.NewRunName(), Guid.NewGuid().ToString("N")) { NameGiven = name is not null };
    }

    /// <summary>Parses and validates <c>name=value</c> pairs, keeping their order.</summary>
    public static List<KeyValuePair<string, string>> ParseAssignments(IEnumerable<string> assignments)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0)
                throw Invalid($"-p '{assignment}': expected NAME=VALUE, e.g. -p {WorkflowParameters.TargetVersion.Name}=3.29.0");
            var (key, value) = (assignment[..equals], assignment[(equals + 1)..]);
            var parameter = WorkflowParameters.Find(key)
                ?? throw Invalid($"unknown parameter '{key}' (-p {assignment}); valid parameters: {string.Join(", ", WorkflowParameters.All.Select(p => p.Name))}");
            if (parameters.Any(p => p.Key == key))
                throw Invalid($"parameter {key} is given twice; give each parameter once");
            if ((parameter.Validate(value) ?? (parameter.Kind == ParameterKind.VerificationPod && value.Length > 0 ? VerificationPodCheck.Check(value) : null)) is { } error)
                throw Invalid(error);
            parameters.Add(new(key, value));
        }
        return parameters;
    }

    private static WorkflowParameter? Required(string entrypoint) => entrypoint switch
    {
        LifecycleWorkflow.UpgradeAllNodes => WorkflowParameters.TargetVersion,
        LifecycleWorkflow.Recover => WorkflowParameters.Run,
        LifecycleWorkflow.RollbackNode => WorkflowParameters.NodeName,
        _ => null,
    };

    private static string Example(WorkflowParameter parameter) => parameter.Kind switch
    {
        ParameterKind.Version => "3.29.0",
        ParameterKind.RunName => TemplateName + "-x7k2p",
        _ => "worker-1",
    };

    private static SubmitterException Invalid(string message) => new(FailureKind.InvalidRequest, message);
}

public static class WorkflowNames
{
    // The alphabet Kubernetes uses for generateName suffixes: no vowels, no look-alikes.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string NewRunName() =>
        RunRequest.TemplateName + "-" + string.Concat(Enumerable.Range(0, 5).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]));
}
