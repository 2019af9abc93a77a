using System.Text.Json.Nodes;

namespace KataArgo.Lint;

/// <summary>
/// Closes JSON schemas: every object schema that declares properties, and says nothing of others,
/// refuses undeclared ones. Argo's schemas and OpenAPI spec leave objects open.
/// </summary>
public static class ClosedSchema
{
    public static void Close(JsonNode? schema)
    {
        foreach (var mapping in JsonTree.Mappings(schema))
            if (mapping["properties"] is JsonObject && !mapping.ContainsKey("additionalProperties"))
                mapping["additionalProperties"] = false;
    }
}
