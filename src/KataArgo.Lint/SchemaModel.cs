using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace KataArgo.Lint;

/// <summary>
/// A <see cref="SchemaSlice"/> as NJsonSchema's schema objects, built directly. Reading the slice
/// as JSON (<c>JsonSchema.FromJsonAsync</c>: Json.NET deserialization, then $ref resolution by
/// reflection) took most of lint's start-up time. Only the keywords a slice holds are read; any
/// other throws, so a new one in Argo's schema cannot be skipped silently.
/// </summary>
internal static class SchemaModel
{
    /// <param name="slice"><c>{"definitions": {...}}</c> as <see cref="SchemaSlice.Cut"/> returns it.</param>
    /// <param name="root">The definition to return.</param>
    public static JsonSchema Build(JsonObject slice, string root)
    {
        var definitions = slice["definitions"]!.AsObject();
        var built = definitions.ToDictionary(d => d.Key, _ => new JsonSchema(), StringComparer.Ordinal);
        foreach (var (name, definition) in definitions)
            _ = Fill(built[name], definition!.AsObject(), built);
        return built[root];
    }

    private static T Fill<T>(T schema, JsonObject node, Dictionary<string, JsonSchema> definitions) where T : JsonSchema
    {
        foreach (var (keyword, value) in node)
        {
            switch (keyword)
            {
                case "type":
                    schema.Type = value is JsonArray types ? types.Aggregate(JsonObjectType.None, (all, type) => all | Type(type)) : Type(value);
                    break;
                case "properties":
                    foreach (var (name, property) in value!.AsObject())
                        schema.Properties[name] = Fill(new JsonSchemaProperty(), property!.AsObject(), definitions);
                    break;
                case "additionalProperties" when value is JsonObject additional:
                    schema.AdditionalPropertiesSchema = Fill(new JsonSchema(), additional, definitions);
                    break;
                case "additionalProperties":
                    schema.AllowAdditionalProperties = value!.GetValue<bool>();
                    break;
                case "items":
                    schema.Item = Fill(new JsonSchema(), value!.AsObject(), definitions);
                    break;
                case "required":
                    foreach (var name in value!.AsArray())
                        schema.RequiredProperties.Add(name!.GetValue<string>());
                    break;
                case "enum":
                    foreach (var allowed in value!.AsArray())
                        schema.Enumeration.Add(allowed?.ToString());
                    break;
                case "format":
                    schema.Format = value!.GetValue<string>();
                    break;
                case "minimum":
                    schema.Minimum = Number(value);
                    break;
                case "maximum":
                    schema.Maximum = Number(value);
                    break;
                case "description":
                    schema.Description = value!.GetValue<string>();
                    break;
                case "$ref":
                    schema.Reference = definitions[value!.GetValue<string>()["#/definitions/".Length..]];
                    break;
                default:
                    throw new InvalidOperationException($"the Argo schema uses '{keyword}', which lint does not read");
            }
        }
        return schema;
    }

    private static decimal Number(JsonNode? value) => decimal.Parse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonObjectType Type(JsonNode? type) => type?.GetValue<string>() switch
    {
        "object" => JsonObjectType.Object,
        "array" => JsonObjectType.Array,
        "string" => JsonObjectType.String,
        "integer" => JsonObjectType.Integer,
        "number" => JsonObjectType.Number,
        "boolean" => JsonObjectType.Boolean,
        var other => throw new InvalidOperationException($"the Argo schema uses type '{other}', which lint does not read"),
    };
}
