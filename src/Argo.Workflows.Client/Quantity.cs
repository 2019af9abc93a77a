using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argo.Workflows.Client;

/// <summary>
/// Kubernetes' resource Quantity (k8s.io/apimachinery/pkg/api/resource): written as a JSON string
/// (<c>"64Mi"</c>, <c>"500m"</c>) or a JSON number (<c>cpu: 1</c>); Quantity.UnmarshalJSON takes
/// both. Argo's OpenAPI spec types it <c>string</c>; the generator is pointed here instead
/// (prepare-spec.jq), so a number is written back as the same number. The text is kept as
/// written: Kubernetes, not this type, checks and canonicalises quantities.
/// </summary>
[JsonConverter(typeof(QuantityJsonConverter))]
public sealed class Quantity : IEquatable<Quantity>
{
    private Quantity(string value, bool isNumber)
    {
        Value = value;
        IsNumber = isNumber;
    }

    /// <summary>The quantity as written: a JSON number's text, or the string.</summary>
    public string Value { get; }

    /// <summary>True when the quantity was a JSON number (and is written as one).</summary>
    public bool IsNumber { get; }

    public static Quantity FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), false);

    /// <summary>A JSON number, e.g. <c>1</c> or <c>0.5</c>.</summary>
    public static Quantity FromNumber(string jsonNumber)
    {
        using var document = JsonDocument.Parse(jsonNumber);
        if (document.RootElement.ValueKind != JsonValueKind.Number)
            throw new ArgumentException($"'{jsonNumber}' is not a JSON number", nameof(jsonNumber));
        return new(jsonNumber, true);
    }

    public static implicit operator Quantity(string value) => FromString(value);

    public static implicit operator string?(Quantity? value) => value?.Value;

    public override string ToString() => Value;

    public bool Equals(Quantity? other) => other is not null && Value == other.Value && IsNumber == other.IsNumber;

    public override bool Equals(object? obj) => Equals(obj as Quantity);

    public override int GetHashCode() => HashCode.Combine(Value, IsNumber);
}

/// <summary>Reads a JSON number or string and writes the same JSON type back.</summary>
public sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, System.Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => Quantity.FromString(reader.GetString()!),
        JsonTokenType.Number => Quantity.FromNumber(Json.Text(ref reader)),
        var token => throw new JsonException($"expected a quantity (a number or a string such as 500m or 64Mi), got {Json.Describe(token)}"),
    };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        if (value.IsNumber)
            writer.WriteRawValue(value.Value);
        else
            writer.WriteStringValue(value.Value);
    }
}
