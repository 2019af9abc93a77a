using k8s.Models;
using KataArgo.Lifecycle;

namespace KataArgo.Chart;

/// <summary>
/// The ConfigMap that ships the step scripts once (StepScripts.Files), mounted read-only by every
/// step pod: the WorkflowTemplate, of which Argo stores a copy in each Workflow, only names them.
/// </summary>
public static class StepsConfigMap
{
    /// <summary>Annotation with <see cref="StepScripts.Digest"/>, the scripts' identity the template checks.</summary>
    public const string DigestAnnotation = "katacontainers.io/kata-lifecycle-manager-steps-digest";

    public static V1ConfigMap Build(string workflowNamespace, IDictionary<string, string> labels) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = new LifecycleOptions().StepsConfigMapName,
            NamespaceProperty = workflowNamespace,
            Labels = labels,
            Annotations = new Dictionary<string, string> { [DigestAnnotation] = StepScripts.Digest },
        },
        Data = StepScripts.Files.ToDictionary(f => f.Key, f => f.Value),
    };
}
