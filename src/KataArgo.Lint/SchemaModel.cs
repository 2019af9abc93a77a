using System.Text.Json.Nodes;
using KataArgo.Chart;
using NJsonSchema;

namespace KataArgo.Lint;

/// <summary>
/// A <see cref="SchemaSlice"/> as NJsonSchema's schema objects, built directly by
/// <see cref="JsonSchemaReader"/>. Reading the slice as JSON (<c>JsonSchema.FromJsonAsync</c>:
/// Json.NET deserialization, then $ref resolution by reflection) took most of lint's start-up time.
/// Only the keywords a slice holds are read; any other throws, so a new one in Argo's schema cannot
/// be skipped silently.
/// </summary>
internal static class SchemaModel
{
    private static readonly JsonSchemaReader Reader = new("the Argo schema", "lint", new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "properties", "additionalProperties", "items", "required", "enum", "format",
        "minimum", "maximum", "description", "$ref",
    }, new HashSet<string>(StringComparer.Ordinal) { "object", "array", "string", "integer", "number", "boolean" });

    /// <param name="slice"><c>{"definitions": {...}}</c> as <see cref="SchemaSlice.Cut"/> returns it.</param>
    /// <param name="root">The definition to return.</param>
    public static JsonSchema Build(JsonObject slice, string root) => Reader.ReadDefinitions(slice, root);
}
