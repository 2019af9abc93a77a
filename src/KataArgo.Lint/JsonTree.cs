using System.Text.Json.Nodes;

namespace KataArgo.Lint;

internal static class JsonTree
{
    /// <summary>
    /// Every mapping in a JSON tree, each before its children; the caller may set scalar values
    /// of a mapping it is given (its children are listed after it resumes).
    /// </summary>
    public static IEnumerable<JsonObject> Mappings(JsonNode? node)
    {
        var pending = new Stack<JsonNode?>([node]);
        while (pending.TryPop(out var current))
        {
            switch (current)
            {
                case JsonObject mapping:
                    yield return mapping;
                    foreach (var (_, child) in mapping.ToList())
                        pending.Push(child);
                    break;
                case JsonArray list:
                    foreach (var item in list)
                        pending.Push(item);
                    break;
            }
        }
    }
}
