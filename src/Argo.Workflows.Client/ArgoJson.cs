using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Argo.Workflows.Client;

/// <summary>JSON settings shared by the API client and the YAML gateway.</summary>
public static class ArgoJson
{
    /// <summary>For the wire: fields a newer server sends that the models lack are skipped.</summary>
    public static JsonSerializerOptions Options { get; } = Create(strict: false);

    /// <summary>
    /// For documents people write (<see cref="ArgoYaml.Deserialize{T}"/>): a field the models cannot
    /// hold is an error, never silently dropped.
    /// </summary>
    public static JsonSerializerOptions Strict { get; } = Create(strict: true);

    public static void Configure(JsonSerializerOptions options)
    {
        // Absent and null are different to Kubernetes (a null can clear a field on update).
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // Scripts and Argo expressions must reach YAML unescaped ('<', '>', '&', '+').
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(ArgoJsonContext.Default, new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(AnyString.Apply);
    }

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions();
        Configure(options);
        if (strict)
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// Argo's AnyString (pkg/apis/workflow/v1alpha1/anystring.go, v3.7.18 and v4.1.2): parameter
/// <c>value</c>, <c>default</c>, <c>enum</c> items and <c>description</c>, and
/// <c>valueFrom.default</c>, are strings that Argo also reads from a JSON number or boolean
/// (<c>value: 3</c> is the string "3"), and always writes back as strings, as this does.
/// Every other string field takes only a JSON string, as Kubernetes does.
/// </summary>
public static class AnyString
{
    /// <summary>The AnyString members, by model type and JSON name.</summary>
    public static IReadOnlyDictionary<System.Type, string[]> Members { get; } = new Dictionary<System.Type, string[]>
    {
        [typeof(Parameter)] = ["value", "default", "enum", "description"],
        [typeof(ValueFrom)] = ["default"],
    };

    private static readonly JsonConverter<string> Scalar = new ScalarConverter();
    private static readonly JsonConverter<List<string>> List = new ListConverter();

    internal static void Apply(JsonTypeInfo type)
    {
        if (!Members.TryGetValue(type.Type, out var names))
            return;
        foreach (var property in type.Properties.Where(p => names.Contains(p.Name)))
            property.CustomConverter = property.PropertyType == typeof(string) ? Scalar : List;
    }

    /// <summary>A JSON string, number or boolean as the string Argo makes of it.</summary>
    public static string Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString()!,
        // json.Unmarshal into any gives a float64, written with strconv.FormatFloat(v, 'f', -1, 64).
        JsonTokenType.Number => GoFloat.FormatF(reader.GetDouble()),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        var token => throw new JsonException($"expected a string, number or boolean, got {Json.Describe(token)}"),
    };

    private sealed class ScalarConverter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options) => AnyString.Read(ref reader);

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class ListConverter : JsonConverter<List<string>>
    {
        public override List<string> Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new JsonException($"expected a list, got {Json.Describe(reader.TokenType)}");
            var items = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                items.Add(AnyString.Read(ref reader));
            return items;
        }

        public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value)
                writer.WriteStringValue(item);
            writer.WriteEndArray();
        }
    }
}

internal static class Json
{
    /// <summary>The raw text of the current token (a number as written).</summary>
    public static string Text(ref Utf8JsonReader reader) =>
        System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "a mapping",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
