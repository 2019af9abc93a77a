using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Lint;

/// <summary>Checks a document against one parsed Argo schema, with the readings <see cref="ArgoSchema"/> describes.</summary>
internal sealed class SchemaValidator
{
    private const string Definitions = "#/definitions/";
    private const string ArgoTypes = "io.argoproj.workflow.v1alpha1.";

    /// <summary>Definitions Kubernetes reads from a JSON number as well as a string.</summary>
    private static readonly Dictionary<string, string> NumberOrString = new(StringComparer.Ordinal)
    {
        ["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = "a whole number or a string",
        ["io.k8s.apimachinery.pkg.api.resource.Quantity"] = "a number or a string such as 500m or 64Mi",
    };

    private static readonly Dictionary<string, string[]> AnyStrings =
        AnyString.Members.ToDictionary(m => ArgoTypes + m.Key.Name, m => m.Value, StringComparer.Ordinal);

    private readonly JsonDocument _schema; // owns the memory _definitions points into
    private readonly JsonElement _definitions;
    private readonly string _release;

    public SchemaValidator(JsonDocument schema, string release)
    {
        _schema = schema;
        _definitions = schema.RootElement.GetProperty("definitions");
        _release = release;
    }

    public IReadOnlyList<(string Pointer, string Message)> Validate(JsonNode document)
    {
        var problems = new List<(string, string)>();
        var kind = document["kind"]?.ToString();
        if (kind is null || !_definitions.TryGetProperty(ArgoTypes + kind, out var definition))
        {
            problems.Add(("/kind", $"'{kind}' is not an Argo kind of schema {_release}"));
            return problems;
        }
        Check(definition, ArgoTypes + kind, document, "", "", problems);
        return problems;
    }

    /// <param name="name">The definition this schema is, when it is one (for the readings by definition).</param>
    /// <param name="field">The path as users read it, e.g. spec.templates[0].name.</param>
    private void Check(JsonElement schema, string? name, JsonNode? value, string pointer, string field, List<(string, string)> problems)
    {
        if (value is null)
            return;
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = reference.GetString()!;
            if (!target.StartsWith(Definitions, StringComparison.Ordinal) || !_definitions.TryGetProperty(target[Definitions.Length..], out var resolved))
                throw new InvalidOperationException($"schema {_release}: cannot resolve {target}");
            Check(resolved, target[Definitions.Length..], value, pointer, field, problems);
            return;
        }
        if (name is not null && NumberOrString.TryGetValue(name, out var accepted))
        {
            if (value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)
                || name.EndsWith("IntOrString", StringComparison.Ordinal) && value.GetValueKind() == JsonValueKind.Number && !IsInt32(value))
                problems.Add((pointer, $"'{field}' must be {accepted}"));
            return;
        }
        if (schema.TryGetProperty("const", out var constant) && value.GetValueKind() == JsonValueKind.String && value.ToString() != constant.GetString())
            problems.Add((pointer, $"'{field}' must be {constant.GetString()}"));
        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == value.ToString()))
            problems.Add((pointer, $"'{field}' is not one of the allowed values ({string.Join(", ", allowed.EnumerateArray())})"));
        var type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "object" when value is not JsonObject:
                problems.Add((pointer, $"'{field}' must be a mapping"));
                return;
            case "object":
                CheckObject(schema, name, (JsonObject)value, pointer, field, problems);
                return;
            case "array" when value is not JsonArray:
                problems.Add((pointer, $"'{field}' must be a list"));
                return;
            case "array":
                if (schema.TryGetProperty("items", out var items))
                {
                    var list = (JsonArray)value;
                    for (var i = 0; i < list.Count; i++)
                        Check(items, null, list[i], $"{pointer}/{i}", $"{field}[{i}]", problems);
                }
                return;
            case "string" when value.GetValueKind() != JsonValueKind.String:
                problems.Add((pointer, $"'{field}' must be a string"));
                return;
            case "boolean" when value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False):
                problems.Add((pointer, $"'{field}' must be a boolean"));
                return;
            case "number" when value.GetValueKind() != JsonValueKind.Number:
                problems.Add((pointer, $"'{field}' must be a number"));
                return;
            case "integer" when value.GetValueKind() != JsonValueKind.Number || !IsWhole(value):
                problems.Add((pointer, $"'{field}' must be an integer"));
                return;
            case "integer" when schema.TryGetProperty("format", out var format) && format.GetString() == "int32" && !IsInt32(value):
                problems.Add((pointer, $"'{field}' is out of range for a 32-bit integer"));
                return;
        }
    }

    private void CheckObject(JsonElement schema, string? name, JsonObject value, string pointer, string field, List<(string, string)> problems)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        if (schema.TryGetProperty("required", out var required))
            foreach (var property in required.EnumerateArray().Select(r => r.GetString()!))
                if (value[property] is null)
                    problems.Add((pointer, $"'{Join(field, property)}' is required"));
        var anyStrings = name is not null && AnyStrings.TryGetValue(name, out var members) ? members : [];
        foreach (var (key, child) in value)
        {
            var childPointer = pointer + "/" + key.Replace("~", "~0").Replace("/", "~1");
            var childField = Join(field, key);
            if (hasProperties && properties.TryGetProperty(key, out var propertySchema))
            {
                if (Array.IndexOf(anyStrings, key) >= 0)
                    CheckAnyString(child, propertySchema.TryGetProperty("items", out _), childPointer, childField, problems);
                else
                    Check(propertySchema, null, child, childPointer, childField, problems);
            }
            else if (hasAdditional && additional.ValueKind == JsonValueKind.Object)
                Check(additional, null, child, childPointer, childField, problems);
            else if (hasProperties || hasAdditional && additional.ValueKind == JsonValueKind.False)
                problems.Add((childPointer, $"unknown field '{childField}': the schema does not declare it and Argo would drop it"));
        }
    }

    private static void CheckAnyString(JsonNode? value, bool isList, string pointer, string field, List<(string, string)> problems)
    {
        if (isList && value is not null and not JsonArray)
        {
            problems.Add((pointer, $"'{field}' must be a list"));
            return;
        }
        var values = value is JsonArray list ? list.Select((v, i) => (v, $"{pointer}/{i}", $"{field}[{i}]")) : [(value, pointer, field)];
        foreach (var (item, itemPointer, itemField) in values)
            if (item is not null && item.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array)
                problems.Add((itemPointer, $"'{itemField}' must be a string, number or boolean"));
    }

    private static string Join(string field, string key) => field.Length == 0 ? key : field + "." + key;

    private static bool IsWhole(JsonNode value) => Number(value) is { } d && d == decimal.Truncate(d);

    private static bool IsInt32(JsonNode value) => Number(value) is { } d && d == decimal.Truncate(d) && d is >= int.MinValue and <= int.MaxValue;

    private static decimal? Number(JsonNode value) =>
        decimal.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
