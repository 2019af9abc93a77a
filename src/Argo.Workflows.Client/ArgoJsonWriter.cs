using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Argo.Workflows.Client;

/// <summary>
/// Writes the Argo objects as JSON trees through code generated at compile time (System.Text.Json
/// source generation, serialization mode), with <see cref="ArgoJson.Options"/>' JSON. Writing
/// through <see cref="ArgoJson.Options"/> first sets up property metadata for every type reachable
/// from the object's type (265 for a WorkflowTemplate), the largest part of <c>kata-argo render</c>'s
/// and <c>template</c>'s start-up (docs/benchmarks.md); the generated writers need none of it.
/// </summary>
public static class ArgoJsonWriter
{
    /// <summary>
    /// The value as a JSON tree, as <c>JsonSerializer.SerializeToNode(value, ArgoJson.Options)</c>
    /// makes it; the Argo kinds (Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow)
    /// through the generated writers, any other value through <see cref="ArgoJson.Options"/>.
    /// </summary>
    public static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return node;
            case Workflow or WorkflowTemplate or ClusterWorkflowTemplate or CronWorkflow:
                try
                {
                    return JsonSerializer.SerializeToNode(value, ArgoWriteJsonContext.Default.GetTypeInfo(value.GetType())!);
                }
                catch (NotSupportedException)
                {
                    // A value in an `object` field (withItems, plugin) of a type the context does not list.
                    break;
                }
        }
        return JsonSerializer.SerializeToNode(value, value.GetType(), ArgoJson.Options);
    }
}

/// <summary>
/// Generated writers (no property metadata) for the Argo kinds, with <see cref="ArgoJson.Options"/>'
/// writing settings, which System.Text.Json requires to use them. The encoder is the default one: the
/// result is a tree, whose strings are unescaped whatever the encoder. Listed beside the kinds: what
/// the <c>object</c> fields (withItems, plugin and other free-form fields) hold when read (JSON
/// elements) or built (JSON trees, scalars, lists and maps).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(Workflow))]
[JsonSerializable(typeof(WorkflowTemplate))]
[JsonSerializable(typeof(ClusterWorkflowTemplate))]
[JsonSerializable(typeof(CronWorkflow))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
[JsonSerializable(typeof(JsonValue))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
internal sealed partial class ArgoWriteJsonContext : JsonSerializerContext;
