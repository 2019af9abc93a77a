namespace KataArgo.Lifecycle;

/// <summary>Everything the WorkflowTemplate is built from; defaults match a plain chart install.</summary>
public sealed record LifecycleOptions
{
    /// <summary>Namespace of the WorkflowTemplate (the chart's <c>argoNamespace</c>).</summary>
    public string Namespace { get; init; } = "argo";

    /// <summary>ServiceAccount the workflow pods run as; the chart's RBAC is bound to it.</summary>
    public string ServiceAccountName { get; init; } = LifecycleKeys.TemplateName;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The ConfigMap holding the step scripts (StepScripts.Files), in <see cref="Namespace"/>.</summary>
    public string StepsConfigMapName { get; init; } = LifecycleKeys.TemplateName + "-steps";

    /// <summary>Parameter defaults that differ from the catalog's, by parameter name.</summary>
    public IReadOnlyDictionary<string, string> ParameterDefaults { get; init; } = new Dictionary<string, string>();

    /// <summary>Deadline of a whole run. Argo types it as an integer, so no workflow parameter can set it.</summary>
    public int ActiveDeadlineSeconds { get; init; } = 48 * 3600;

    /// <summary>UID and GID the step containers run as (non-root).</summary>
    public int RunAsUser { get; init; } = 65532;

    public string DefaultFor(WorkflowParameter parameter) =>
        ParameterDefaults.TryGetValue(parameter.Name, out var value) ? value : parameter.Default;

    /// <summary>Rejects defaults the workflow could not run with (unknown names, malformed values).</summary>
    public void Validate()
    {
        foreach (var (name, value) in ParameterDefaults)
        {
            var parameter = WorkflowParameters.Find(name)
                ?? throw new ArgumentException($"unknown workflow parameter '{name}'; valid: {string.Join(", ", WorkflowParameters.All.Select(p => p.Name))}");
            if (value.Length > 0 && parameter.Validate(value) is { } error)
                throw new ArgumentException(error);
        }
        if (ActiveDeadlineSeconds <= 0)
            throw new ArgumentException($"active deadline: {ActiveDeadlineSeconds} is not a positive number of seconds");
    }
}
