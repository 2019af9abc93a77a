using System.Text.Json.Nodes;
using Newtonsoft.Json;
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
    /// <summary>The document as JSON without its nulls (Go's JSON decoder ignores them); <paramref name="names"/> gets every property name it uses.</summary>
    public static JToken Input(JsonNode document, out HashSet<string> names)
    {
        names = new HashSet<string>(StringComparer.Ordinal);
        // Strings stay strings: Json.NET would otherwise turn date-like ones into dates, which NJsonSchema does not check.
        using var reader = new JsonTextReader(new StringReader(WithoutNulls(document, names)!.ToJsonString())) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
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
            ValidationErrorKind.Base64Expected => $"'{field}' must be base64",
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

    private static JsonNode? WithoutNulls(JsonNode? node, HashSet<string> names)
    {
        switch (node)
        {
            case JsonObject map:
                var copy = new JsonObject();
                foreach (var (key, value) in map)
                {
                    if (value is null)
                        continue;
                    names.Add(key);
                    copy[key] = WithoutNulls(value, names);
                }
                return copy;
            case JsonArray list:
                return new JsonArray([.. list.Where(item => item is not null).Select(item => WithoutNulls(item, names))]);
            default:
                return node?.DeepClone();
        }
    }

    private static string Join(string field, string key) => field.Length == 0 ? key : field + "." + key;
}
