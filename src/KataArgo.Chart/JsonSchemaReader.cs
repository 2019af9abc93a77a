using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace KataArgo.Chart;

/// <summary>
/// A JSON schema (draft 4/7 subset) as NJsonSchema's schema objects, built directly instead of
/// through <c>JsonSchema.FromJsonAsync</c> (Json.NET deserialization and $ref resolution by
/// reflection, most of the start-up of <c>template</c> and <c>lint</c>; docs/benchmarks.md).
/// Each reader names the keywords its schemas may hold; any other keyword throws
/// <see cref="InvalidOperationException"/> ("SOURCE uses 'KEYWORD', which READER does not read"),
/// so a new one cannot be skipped silently. Used for values.schema.json and for lint's slices of
/// Argo's schema.
/// </summary>
/// <param name="source">The schema, as errors name it, e.g. "values.schema.json".</param>
/// <param name="reader">Who reads it, as errors name it, e.g. "lint".</param>
/// <param name="keywords">The keywords accepted; each must be one this class knows.</param>
/// <param name="types">The values of <c>type</c> accepted (object, array, string, integer, number, boolean).</param>
public sealed class JsonSchemaReader(string source, string reader, IReadOnlySet<string> keywords, IReadOnlySet<string> types)
{
    /// <summary>A schema without definitions; a <c>$ref</c> in it throws.</summary>
    public JsonSchema Read(JsonObject schema) => Fill(new JsonSchema(), schema, []);

    /// <summary>
    /// <c>{"definitions": {...}}</c>, each definition built once so a <c>$ref</c>
    /// (<c>#/definitions/NAME</c>) is the definition itself and recursion ends; returns <paramref name="root"/>.
    /// </summary>
    public JsonSchema ReadDefinitions(JsonObject schema, string root)
    {
        var definitions = schema["definitions"]!.AsObject();
        var built = definitions.ToDictionary(d => d.Key, _ => new JsonSchema(), StringComparer.Ordinal);
        foreach (var (name, definition) in definitions)
            _ = Fill(built[name], definition!.AsObject(), built);
        return built[root];
    }

    private T Fill<T>(T schema, JsonObject node, Dictionary<string, JsonSchema> definitions) where T : JsonSchema
    {
        foreach (var (keyword, value) in node)
        {
            if (!keywords.Contains(keyword))
                throw Unread($"'{keyword}'");
            switch (keyword)
            {
                case "$schema":
                    schema.SchemaVersion = value!.GetValue<string>();
                    break;
                case "$ref":
                    schema.Reference = definitions[value!.GetValue<string>()["#/definitions/".Length..]];
                    break;
                case "title":
                    schema.Title = value!.GetValue<string>();
                    break;
                case "description":
                    schema.Description = value!.GetValue<string>();
                    break;
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
                        schema.AllOf.Add(Fill(new JsonSchema(), part!.AsObject(), definitions));
                    break;
                case "not":
                    schema.Not = Fill(new JsonSchema(), value!.AsObject(), definitions);
                    break;
                default:
                    throw new InvalidOperationException($"{nameof(JsonSchemaReader)} does not implement '{keyword}', which {reader} lists as read");
            }
        }
        return schema;
    }

    private InvalidOperationException Unread(string what) => new($"{source} uses {what}, which {reader} does not read");

    private static decimal Number(JsonNode? value) => decimal.Parse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private JsonObjectType Type(JsonNode? node) => node?.GetValue<string>() is { } type && types.Contains(type) ? type switch
    {
        "object" => JsonObjectType.Object,
        "array" => JsonObjectType.Array,
        "string" => JsonObjectType.String,
        "integer" => JsonObjectType.Integer,
        "number" => JsonObjectType.Number,
        "boolean" => JsonObjectType.Boolean,
        _ => throw new InvalidOperationException($"{nameof(JsonSchemaReader)} does not implement type '{type}', which {reader} lists as read"),
    } : throw Unread($"type '{node?.GetValue<string>()}'");
}
