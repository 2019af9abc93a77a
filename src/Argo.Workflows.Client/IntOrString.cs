using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argo.Workflows.Client;

/// <summary>
/// Kubernetes' IntOrString (k8s.io/apimachinery/pkg/util/intstr): a JSON integer (int32) or a
/// JSON string, and the two mean different things (<c>port: 80</c> is a number, <c>port: "80"</c>
/// a port name). Argo's OpenAPI spec types these fields <c>string</c>; the generator is pointed
/// here instead (prepare-spec.jq), so reading and writing keep the JSON type. Used by
/// retryStrategy.limit, backoff.factor, template activeDeadlineSeconds, withSequence, probe and
/// service ports and podDisruptionBudget.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public sealed class IntOrString : IEquatable<IntOrString>
{
    /// <summary>Go's zero value, the number 0 (the generator initialises required fields with it).</summary>
    public IntOrString()
        : this(0, null)
    {
    }

    private IntOrString(int? intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    /// <summary>The number, when the value is a JSON number.</summary>
    public int? IntValue { get; }

    /// <summary>The text, when the value is a JSON string.</summary>
    public string? StringValue { get; }

    public bool IsInt => IntValue.HasValue;

    public static IntOrString FromInt(int value) => new(value, null);

    public static IntOrString FromString(string value) => new(null, value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator IntOrString(int value) => FromInt(value);

    /// <summary>A string stays a string: <c>"3"</c> is written <c>"3"</c>.</summary>
    public static implicit operator IntOrString(string value) => FromString(value);

    public static implicit operator string?(IntOrString? value) => value?.ToString();

    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue!;

    public bool Equals(IntOrString? other) => other is not null && IntValue == other.IntValue && StringValue == other.StringValue;

    public override bool Equals(object? obj) => Equals(obj as IntOrString);

    public override int GetHashCode() => HashCode.Combine(IntValue, StringValue);
}

/// <summary>Reads a JSON int32 or string (as intstr.UnmarshalJSON does) and writes the same JSON type back.</summary>
public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
        JsonTokenType.Number when reader.TryGetInt32(out var number) => IntOrString.FromInt(number),
        JsonTokenType.Number => throw new JsonException($"{Json.Text(ref reader)} is not an int32: an int-or-string field takes a whole number or a string"),
        var token => throw new JsonException($"expected a whole number or a string, got {Json.Describe(token)}"),
    };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IntValue is { } number)
            writer.WriteNumberValue(number);
        else
            writer.WriteStringValue(value.StringValue);
    }
}
