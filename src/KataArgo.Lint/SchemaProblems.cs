using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;

namespace KataArgo.Lint;

/// <summary>
/// The document as NJsonSchema checks it, and NJsonSchema's errors as lint's problems: a JSON
/// pointer into the document as written (for the line) and a one-line message naming the field
/// as users read it (<c>spec.templates[0].name</c>).
/// </summary>
internal static class SchemaProblems
{
    /// <summary>The document as Json.NET tokens without its nulls (Go's JSON decoder ignores them); <paramref name="names"/> gets every property name it uses.</summary>
    public static JToken Input(JsonNode document, out HashSet<string> names)
    {
        names = new HashSet<string>(StringComparer.Ordinal);
        return Token(document, names);
    }

    public static IReadOnlyList<(string Pointer, string Message)> Describe(IEnumerable<ValidationError> errors, JsonNode document) =>
        // NJsonSchema also lists the required properties of a value that is not a mapping at all; "must be a mapping" says it.
        [.. Flatten(errors).Where(e => e.Kind != ValidationErrorKind.PropertyRequired || e.Token is JObject).Select(error => Describe(error, document))];

    private static (string Pointer, string Message) Describe(ValidationError error, JsonNode document)
    {
        var (pointer, field) = Locate(error.Token, document);
        var schema = error.Schema;
        return (pointer, error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown field '{field}': the schema does not declare it and Argo would drop it",
            ValidationErrorKind.PropertyRequired => $"'{Join(field, error.Property!)}' is required",
            ValidationErrorKind.StringExpected => $"'{field}' must be a string",
            ValidationErrorKind.IntegerExpected => $"'{field}' must be an integer",
            ValidationErrorKind.NumberExpected => $"'{field}' must be a number",
            ValidationErrorKind.BooleanExpected => $"'{field}' must be a boolean",
            ValidationErrorKind.ArrayExpected => $"'{field}' must be a list",
            ValidationErrorKind.ObjectExpected => $"'{field}' must be a mapping",
            ValidationErrorKind.NoTypeValidates => $"'{field}' must be {schema.Description}",
            ValidationErrorKind.NotInEnumeration when schema.Enumeration.Count == 1 => $"'{field}' must be {schema.Enumeration.Single()}",
            ValidationErrorKind.NotInEnumeration => $"'{field}' is not one of the allowed values ({string.Join(", ", schema.Enumeration)})",
            ValidationErrorKind.NumberTooBig or ValidationErrorKind.NumberTooSmall when schema.Format == "int32" => $"'{field}' is out of range for a 32-bit integer",
            ValidationErrorKind.DateTimeExpected => $"'{field}' must be a date and time such as 2006-01-02T15:04:05Z (RFC 3339)",
            var kind => $"'{field}': {kind}",
        });
    }

    /// <summary>Errors of list items and map values come wrapped, one wrapper per level.</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(error => error is ChildSchemaValidationError { Kind: ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid } child
            ? Flatten(child.Errors.Values.SelectMany(e => e))
            : [error]);

    /// <summary>The pointer and field of a token of <see cref="Input"/> in the document as written, where list items may be null.</summary>
    private static (string Pointer, string Field) Locate(JToken? token, JsonNode document)
    {
        var path = new List<object>();
        for (var t = token; t is not null; t = t.Parent)
        {
            if (t is JProperty property)
                path.Add(property.Name);
            else if (t.Parent is JArray array)
                path.Add(array.IndexOf(t));
        }
        path.Reverse();
        var (pointer, field, node) = ("", "", (JsonNode?)document);
        foreach (var step in path)
        {
            if (step is string key)
            {
                (pointer, field, node) = (pointer + "/" + key.Replace("~", "~0").Replace("/", "~1"), Join(field, key), node?[key]);
                continue;
            }
            var items = node as JsonArray;
            var index = items?.Select((item, i) => (item, i)).Where(x => x.item is not null).ElementAt((int)step).i ?? (int)step;
            (pointer, field, node) = (pointer + "/" + index, $"{field}[{index}]", items?[index]);
        }
        return (pointer, field);
    }

    private static JToken Token(JsonNode node, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject map:
                var copy = new JObject();
                foreach (var (key, value) in map)
                {
                    if (value is null)
                        continue;
                    names.Add(key);
                    copy.Add(key, Token(value, names));
                }
                return copy;
            case JsonArray list:
                return new JArray(list.OfType<JsonNode>().Select(item => Token(item, names)));
            default:
                return Scalar(node.AsValue());
        }
    }

    /// <summary>A scalar as Json.NET reads its JSON text (an integer as long or BigInteger, other numbers as double); a string stays a string.</summary>
    private static JValue Scalar(JsonValue value)
    {
        if (value.GetValueKind() != JsonValueKind.Number)
            return value.GetValueKind() == JsonValueKind.String ? new JValue(value.GetValue<string>()) : new JValue(value.GetValueKind() == JsonValueKind.True);
        var text = value.ToJsonString();
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
            return new JValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
            ? new JValue(whole)
            : new JValue(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    private static string Join(string field, string key) => field.Length == 0 ? key : field + "." + key;
}
