using System.Text.Json.Nodes;
using NJsonSchema;

namespace KataArgo.Chart;

/// <summary>
/// values.schema.json (<see cref="ValuesSchema.Build"/>) as NJsonSchema's schema objects, built
/// directly by <see cref="JsonSchemaReader"/>. Reading the JSON with <c>JsonSchema.FromJsonAsync</c>
/// took about a quarter of <c>kata-argo template</c>'s start-up (docs/benchmarks.md). Only the
/// keywords the values schema uses are read; any other throws.
/// </summary>
internal static class ValuesSchemaModel
{
    private static readonly JsonSchemaReader Reader = new("values.schema.json", nameof(ValuesSchemaModel), new HashSet<string>(StringComparer.Ordinal)
    {
        "$schema", "title", "description", "type", "properties", "additionalProperties", "pattern",
        "minLength", "maxLength", "minimum", "maximum", "allOf", "not",
    }, new HashSet<string>(StringComparer.Ordinal) { "object", "string", "integer", "boolean" });

    public static JsonSchema Build(JsonObject schema) => Reader.Read(schema);
}
