using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace KataArgo.Lint;

/// <summary>
/// One of Argo's JSON schemas (embedded from ../shared at build time), closed: Argo's schema
/// accepts unknown fields and the controller silently prunes them (a misspelled failFast would
/// switch fail-fast off), so every object that declares properties rejects undeclared ones here.
/// </summary>
public sealed class ArgoSchema
{
    public static readonly IReadOnlyList<string> Versions = ["v4.1.2", "v3.7.18"];

    private static readonly Dictionary<string, Lazy<ArgoSchema>> Loaded =
        Versions.ToDictionary(v => v, v => new Lazy<ArgoSchema>(() => Load(v)));

    private readonly JsonSchema _schema;

    private ArgoSchema(string version, JsonSchema schema)
    {
        Version = version;
        _schema = schema;
    }

    public string Version { get; }

    public static ArgoSchema For(string version) =>
        Loaded.TryGetValue(version, out var schema) ? schema.Value : throw new ArgumentException($"no Argo schema {version}");

    public static IEnumerable<ArgoSchema> All() => Versions.Select(For);

    /// <summary>Problems of one Argo object, as (JSON pointer, message); the definition is chosen by its kind.</summary>
    public IEnumerable<(string Pointer, string Message)> Validate(JsonNode document)
    {
        var kind = document["kind"]?.ToString();
        var definition = $"io.argoproj.workflow.v1alpha1.{kind}";
        if (kind is null || !_schema.Definitions.TryGetValue(definition, out var schema))
        {
            yield return ("/kind", $"'{kind}' is not an Argo kind of schema {Version}");
            yield break;
        }
        foreach (var error in Flatten(schema.Validate(document.ToJsonString())))
            yield return (Pointer(error.Path), $"{Describe(error)} (Argo {Version} schema)");
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                foreach (var nested in Flatten(child.Errors.Values.SelectMany(e => e)))
                    yield return nested;
            }
            else
            {
                yield return error;
            }
        }
    }

    private static string Describe(ValidationError error)
    {
        var field = PathText(error.Path);
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown field '{field}': the schema does not declare it and Argo would drop it",
            ValidationErrorKind.PropertyRequired => $"'{field}' is required",
            ValidationErrorKind.StringExpected => $"'{field}' must be a string",
            ValidationErrorKind.IntegerExpected => $"'{field}' must be an integer",
            ValidationErrorKind.BooleanExpected => $"'{field}' must be a boolean",
            ValidationErrorKind.ArrayExpected => $"'{field}' must be a list",
            ValidationErrorKind.ObjectExpected => $"'{field}' must be a mapping",
            ValidationErrorKind.NotInEnumeration => $"'{field}' is not one of the allowed values",
            _ => $"'{field}': {error.Kind}",
        };
    }

    private static string PathText(string? path) => (path ?? "#").TrimStart('#', '/');

    /// <summary>NJsonSchema paths (<c>#/spec.templates[0].name</c>) as JSON pointers (<c>/spec/templates/0/name</c>).</summary>
    internal static string Pointer(string? path)
    {
        var text = PathText(path);
        if (text.Length == 0)
            return "";
        return "/" + text.Replace("[", ".").Replace("]", "").Replace('.', '/').Replace("//", "/");
    }

    private static ArgoSchema Load(string version)
    {
        using var stream = typeof(ArgoSchema).Assembly.GetManifestResourceStream($"argo-schema/{version}.json")
            ?? throw new InvalidOperationException($"Argo schema {version} is not embedded");
        var root = JsonNode.Parse(stream)!.AsObject();
        ClosedSchema.Close(root);
        root.Remove("$schema"); // draft 2020-12 marker; the keywords used are common to draft 7
        var schema = JsonSchema.FromJsonAsync(root.ToJsonString()).GetAwaiter().GetResult();
        return new ArgoSchema(version, schema);
    }
}

/// <summary>
/// Closes JSON schemas: every object schema that declares properties, and says nothing of others,
/// refuses undeclared ones. Argo's schemas and OpenAPI spec leave objects open.
/// </summary>
public static class ClosedSchema
{
    public static void Close(JsonNode? schema)
    {
        switch (schema)
        {
            case JsonObject obj:
                if (obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties"))
                    obj["additionalProperties"] = false;
                foreach (var (_, child) in obj.ToList())
                    Close(child);
                break;
            case JsonArray array:
                foreach (var item in array)
                    Close(item);
                break;
        }
    }
}
