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
