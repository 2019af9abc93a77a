using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Lint;

/// <summary>
/// What Argo and Kubernetes read from fields Argo's JSON schema types too narrowly (v4.1.2 and
/// v3.7.18 type all of them as plain strings), written as schema rewrites that
/// <see cref="SchemaSlice"/> applies before NJsonSchema compiles the schema:
/// <list type="bullet">
/// <item>IntOrString (k8s.io/apimachinery/pkg/util/intstr) takes a whole 32-bit number or a string;</item>
/// <item>a resource Quantity (k8s.io/apimachinery/pkg/api/resource) takes a number or a string;</item>
/// <item>Argo's AnyString fields (<see cref="AnyString.Members"/>) take a string, number or boolean;</item>
/// <item>an integer of format int32 must fit 32 bits (Go's JSON decoder refuses the rest).</item>
/// </list>
/// A rewritten schema's <c>description</c> is the accepted form, which the problem quotes.
/// </summary>
internal static class ArgoReadings
{
    private const string ArgoTypes = "io.argoproj.workflow.v1alpha1.";

    private static readonly Dictionary<string, string[]> AnyStrings =
        AnyString.Members.ToDictionary(m => ArgoTypes + m.Key.Name, m => m.Value, StringComparer.Ordinal);

    /// <summary>The schema a definition is replaced with, or null to keep Argo's.</summary>
    public static JsonObject? Definition(string name) => name switch
    {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => new JsonObject
        {
            ["type"] = new JsonArray("integer", "string"),
            ["minimum"] = int.MinValue,
            ["maximum"] = int.MaxValue,
            ["description"] = "a whole number or a string",
        },
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => new JsonObject
        {
            ["type"] = new JsonArray("number", "string"),
            ["description"] = "a number or a string such as 500m or 64Mi",
        },
        _ => null,
    };

    /// <summary>Rewrites a definition's AnyString properties and its 32-bit integers in place.</summary>
    public static void Apply(string name, JsonObject definition)
    {
        if (AnyStrings.TryGetValue(name, out var members) && definition["properties"] is JsonObject properties)
        {
            foreach (var member in members.Where(properties.ContainsKey))
            {
                if (properties[member]!["items"] is not null)
                    properties[member]!["items"] = AnyStringSchema();
                else
                    properties[member] = AnyStringSchema();
            }
        }
        BoundInt32(definition);
    }

    private static JsonObject AnyStringSchema() => new()
    {
        ["type"] = new JsonArray("string", "number", "boolean"),
        ["description"] = "a string, number or boolean",
    };

    private static void BoundInt32(JsonNode? schema)
    {
        foreach (var mapping in JsonTree.Mappings(schema))
        {
            if (Text(mapping["type"]) == "integer" && Text(mapping["format"]) == "int32")
            {
                mapping["minimum"] = int.MinValue;
                mapping["maximum"] = int.MaxValue;
            }
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
