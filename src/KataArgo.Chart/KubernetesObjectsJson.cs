using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KataArgo.Chart;

/// <summary>
/// The chart's Kubernetes objects (ServiceAccount, RBAC, steps ConfigMap) as JSON, with
/// KubernetesClient's JSON settings (<c>k8s.KubernetesJson</c>, v21: camelCase names, nulls left
/// out, enums as strings, its time converters) and serialization metadata generated at compile
/// time for just these types. <c>KubernetesJson.Serialize</c> writes the same JSON, but its first
/// call sets up KubernetesClient's metadata for every Kubernetes type, a large part of
/// <c>kata-argo template</c>'s start-up (docs/benchmarks.md).
/// </summary>
public static partial class KubernetesObjectsJson
{
    /// <summary>The object as a JSON tree; it must be of one of the types listed on <see cref="Context"/> (any other throws).</summary>
    public static JsonNode ToNode(object kubernetesObject) =>
        System.Text.Json.JsonSerializer.SerializeToNode(kubernetesObject, kubernetesObject.GetType(), Context.Default)
        ?? throw new ArgumentNullException(nameof(kubernetesObject));

    [JsonSerializable(typeof(V1ServiceAccount))]
    [JsonSerializable(typeof(V1ConfigMap))]
    [JsonSerializable(typeof(V1ClusterRole))]
    [JsonSerializable(typeof(V1ClusterRoleBinding))]
    [JsonSerializable(typeof(V1Role))]
    [JsonSerializable(typeof(V1RoleBinding))]
    [JsonSourceGenerationOptions(
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        UseStringEnumConverter = true,
        Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
    internal sealed partial class Context : JsonSerializerContext;
}
