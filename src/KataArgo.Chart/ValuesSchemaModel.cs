using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace KataArgo.Chart;

/// <summary>
/// values.schema.json (<see cref="ValuesSchema.Build"/>) as NJsonSchema's schema objects, built
/// directly. Reading the JSON with <c>JsonSchema.FromJsonAsync</c> (Json.NET deserialization by
/// reflection) took about a quarter of <c>kata-argo template</c>'s start-up (docs/benchmarks.md).
/// Only the keywords the values schema uses are read; any other throws, so a new one cannot be
/// skipped silently.
/// </summary>
internal static class ValuesSchemaModel
{
    public static JsonSchema Build(JsonObject schema) => Fill(new JsonSchema(), schema);

    private static T Fill<T>(T schema, JsonObject node) where T : JsonSchema
    {
        foreach (var (keyword, value) in node)
        {
            switch (keyword)
            {
                case "$schema":
                    schema.SchemaVersion = value!.GetValue<string>();
                    break;
                case "title":
                    schema.Title = value!.GetValue<string>();
                    break;
                case "description":
                    schema.Description = value!.GetValue<string>();
                    break;
                case "type":
                    schema.Type = Type(value!.GetValue<string>());
                    break;
                case "properties":
                    foreach (var (name, property) in value!.AsObject())
                        schema.Properties[name] = Fill(new JsonSchemaProperty(), property!.AsObject());
                    break;
                case "additionalProperties":
                    schema.AllowAdditionalProperties = value!.GetValue<bool>();
                    break;
                case "pattern":
                    schema.Pattern = value!.GetValue<string>();
                    break;
                case "minLength":
                    schema.MinLength = value!.GetValue<int>();
                    break;
                case "maxLength":
                    schema.MaxLength = value!.GetValue<int>();
                    break;
                case "minimum":
                    schema.Minimum = Number(value);
                    break;
                case "maximum":
                    schema.Maximum = Number(value);
                    break;
                case "allOf":
                    foreach (var part in value!.AsArray())
                        schema.AllOf.Add(Fill(new JsonSchema(), part!.AsObject()));
                    break;
                case "not":
                    schema.Not = Fill(new JsonSchema(), value!.AsObject());
                    break;
                default:
                    throw new InvalidOperationException($"values.schema.json uses '{keyword}', which {nameof(ValuesSchemaModel)} does not read");
            }
        }
        return schema;
    }

    private static decimal Number(JsonNode? value) => decimal.Parse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonObjectType Type(string type) => type switch
    {
        "object" => JsonObjectType.Object,
        "string" => JsonObjectType.String,
        "integer" => JsonObjectType.Integer,
        "boolean" => JsonObjectType.Boolean,
        _ => throw new InvalidOperationException($"values.schema.json uses type '{type}', which {nameof(ValuesSchemaModel)} does not read"),
    };
}
