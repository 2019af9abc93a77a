using System.Text.Json;
using System.Text.Json.Nodes;

namespace KataArgo.Lint;

/// <summary>
/// The part of an Argo schema that can apply to a document, as a JSON schema for NJsonSchema:
/// the definitions reachable from the document's kind through the properties the document names
/// somewhere. A property no object of the document has is never checked and is never unknown,
/// so leaving it out changes no result (<c>required</c> lists are kept whole). The slice is
/// closed (<see cref="ClosedSchema"/>), has <see cref="ArgoReadings"/> applied, writes
/// <c>const</c> as a one-value <c>enum</c> (NJsonSchema does not read <c>const</c>), and drops
/// annotations (description, title, default, x-*). A small workflow needs about 30 of the
/// schema's 400 definitions.
/// </summary>
internal sealed class SchemaSlice
{
    private readonly IReadOnlySet<string> _names;
    private readonly Queue<string> _pending = new();
    private readonly HashSet<string> _reached = new(StringComparer.Ordinal);

    private SchemaSlice(IReadOnlySet<string> names) => _names = names;

    /// <param name="definitions">The schema's <c>definitions</c>.</param>
    /// <param name="root">The definition the document is checked against.</param>
    /// <param name="names">Every property name used in the document.</param>
    /// <returns><c>{"definitions": {...}}</c> holding <paramref name="root"/> and what it reaches.</returns>
    public static JsonObject Cut(JsonElement definitions, string root, IReadOnlySet<string> names)
    {
        var slice = new SchemaSlice(names);
        slice.Reach(root);
        var result = new JsonObject();
        while (slice._pending.TryDequeue(out var name))
        {
            if (!definitions.TryGetProperty(name, out var definition))
                throw new InvalidOperationException($"the Argo schema refers to #/definitions/{name}, which it does not define");
            var copy = ArgoReadings.Definition(name) ?? slice.Copy(definition);
            ArgoReadings.Apply(name, copy);
            result[name] = copy;
        }
        var document = new JsonObject { ["definitions"] = result };
        ClosedSchema.Close(document);
        return document;
    }

    private void Reach(string name)
    {
        if (_reached.Add(name))
            _pending.Enqueue(name);
    }

    private JsonObject Copy(JsonElement schema)
    {
        var copy = new JsonObject();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "properties":
                    var properties = new JsonObject();
                    foreach (var property in value.EnumerateObject())
                        if (_names.Contains(property.Name))
                            properties[property.Name] = Copy(property.Value);
                    copy["properties"] = properties;
                    break;
                case "items" or "additionalProperties" or "not" when value.ValueKind == JsonValueKind.Object:
                    copy[keyword.Name] = Copy(value);
                    break;
                case "anyOf" or "allOf" or "oneOf":
                    copy[keyword.Name] = new JsonArray([.. value.EnumerateArray().Select(JsonNode (s) => Copy(s))]);
                    break;
                case "$ref":
                    var target = value.GetString()!;
                    if (!target.StartsWith("#/definitions/", StringComparison.Ordinal))
                        throw new InvalidOperationException($"the Argo schema refers to {target}, outside its definitions");
                    Reach(target["#/definitions/".Length..]);
                    copy["$ref"] = target;
                    break;
                case "const":
                    copy["enum"] = new JsonArray(Node(value));
                    break;
                case "description" or "title" or "default" or "examples":
                    break;
                case var name when name.StartsWith("x-", StringComparison.Ordinal):
                    break;
                default:
                    copy[keyword.Name] = Node(value);
                    break;
            }
        }
        return copy;
    }

    /// <summary>A keyword's value as it is (type, required, enum, format, ...).</summary>
    private static JsonNode? Node(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        _ => JsonValue.Create(value),
    };
}
