using System.Text.Json.Nodes;

namespace KataArgo.Chart;

/// <summary>values.schema.json: every key typed, unknown keys (typos) rejected. Draft 7, read by Helm 3 and Helm 4.</summary>
public static class ValuesSchema
{
    public static JsonObject Build()
    {
        var root = Object("kata-lifecycle-manager chart values");
        root["$schema"] = "http://json-schema.org/draft-07/schema#";
        foreach (var value in ChartValues.All)
        {
            var node = root;
            foreach (var segment in value.Segments[..^1])
            {
                var properties = (JsonObject)node["properties"]!;
                if (properties[segment] is not JsonObject child)
                    properties[segment] = child = Object(null);
                node = child;
            }
            var schema = (JsonObject)value.Schema.DeepClone();
            schema["description"] = value.Description;
            ((JsonObject)node["properties"]!)[value.Segments[^1]] = schema;
        }
        return root;
    }

    private static JsonObject Object(string? title)
    {
        var obj = new JsonObject();
        if (title is not null)
            obj["title"] = title;
        obj["type"] = "object";
        obj["additionalProperties"] = false;
        obj["properties"] = new JsonObject();
        return obj;
    }
}
