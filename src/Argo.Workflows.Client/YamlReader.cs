using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Argo.Workflows.Client;

/// <summary>
/// Reads a YAML stream into JSON the way sigs.k8s.io/yaml (go-yaml v2) does for Kubernetes and
/// Argo: scalars per <see cref="YamlScalars"/>, aliases expanded, merge keys (<c>&lt;&lt;</c>)
/// applied in go-yaml's order (later keys replace earlier ones, the first of a merged list wins),
/// and the line of every JSON pointer remembered. A key written twice in one mapping is an error:
/// go-yaml silently keeps the last one, which is never what the author meant.
/// </summary>
internal static class YamlReader
{
    /// <summary>More JSON nodes than this from one stream means runaway alias expansion.</summary>
    private const int MaxNodes = 5_000_000;

    public static List<YamlJsonDocument> LoadAll(string yaml)
    {
        var stream = Parse(yaml);
        var documents = new List<YamlJsonDocument>();
        var budget = MaxNodes;
        foreach (var document in stream.Documents)
        {
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            var root = ToJson(document.RootNode, "", lines, ref budget);
            if (root is null && document.RootNode is YamlScalarNode { Value: null or "" })
                continue; // an empty document between separators
            documents.Add(new YamlJsonDocument(root, lines));
        }
        return documents;
    }

    /// <summary>
    /// YamlDotNet refuses a continuation line of a multi-line double-quoted scalar that is not
    /// indented deeper than its block (YAML 1.2, 7.3.1); go-yaml accepts it. Leading white space of
    /// a continuation line is not part of the value, so such a line is indented and read again.
    /// </summary>
    private static YamlStream Parse(string yaml)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(yaml));
                return stream;
            }
            catch (SyntaxErrorException e) when (attempt < 10_000 && e.Message.Contains("multi-line double-quoted scalar, found wrong indentation", StringComparison.Ordinal))
            {
                yaml = Indent(yaml, (int)e.End.Line, (int)e.Start.Column);
            }
            catch (Exception e) when (e is YamlException or InvalidOperationException)
            {
                // An unclosed [ or { is reported at the end of the text, or (YamlDotNet 18, a
                // multi-line one) without a position: report it at the bracket.
                throw YamlErrorLocation.Locate(yaml, e);
            }
        }
    }

    /// <summary>Puts the first non-blank character of a 1-based line at least at the 1-based column.</summary>
    private static string Indent(string yaml, int line, int column)
    {
        var start = 0;
        for (var l = 1; l < line; l++)
            start = yaml.IndexOf('\n', start) + 1;
        var text = start;
        while (text < yaml.Length && yaml[text] is ' ' or '\t')
            text++;
        return yaml.Insert(start, new string(' ', Math.Max(1, column - (text - start))));
    }

    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, int> lines, ref int budget)
    {
        if (--budget < 0)
            throw new YamlException(node.Start, node.End, "the document expands to too many values (aliases nested too deep)");
        lines[pointer] = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                var explicitKeys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode scalarKey)
                        throw new YamlException(keyNode.Start, keyNode.End, "only scalar mapping keys are supported");
                    if (YamlScalars.IsMerge(scalarKey))
                    {
                        Merge(obj, valueNode, pointer, lines, ref budget);
                        continue;
                    }
                    var key = YamlScalars.Key(scalarKey);
                    if (!explicitKeys.Add(key))
                        throw new YamlException(keyNode.Start, keyNode.End, $"duplicate key '{key}'" + (key != scalarKey.Value ? $" (written '{scalarKey.Value}', which YAML 1.1 reads as {key})" : ""));
                    var child = pointer + "/" + EscapePointer(key);
                    obj[key] = ToJson(valueNode, child, lines, ref budget);
                    lines[child] = (int)keyNode.Start.Line; // a field is reported at its key
                }
                return obj;
            case YamlSequenceNode list:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in list.Children)
                    array.Add(ToJson(item, pointer + "/" + index++, lines, ref budget));
                return array;
            case YamlScalarNode scalar:
                return YamlScalars.Value(scalar);
            default:
                throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}");
        }
    }

    /// <summary>go-yaml v2's decoder.merge: a mapping, or a list of mappings of which earlier ones take precedence.</summary>
    private static void Merge(JsonObject target, YamlNode source, string pointer, Dictionary<string, int> lines, ref int budget)
    {
        var maps = source switch
        {
            YamlMappingNode map => [map],
            YamlSequenceNode list when list.Children.All(c => c is YamlMappingNode) => list.Children.Cast<YamlMappingNode>().Reverse().ToList(),
            _ => throw new YamlException(source.Start, source.End, "a merge key (<<) takes a mapping or a list of mappings"),
        };
        var own = lines[pointer];
        foreach (var map in maps)
        {
            if (ToJson(map, pointer, lines, ref budget) is not JsonObject merged)
                continue;
            foreach (var (key, value) in merged.ToList())
            {
                merged.Remove(key);
                target[key] = value;
            }
        }
        lines[pointer] = own;
    }

    internal static string EscapePointer(string key) => key.Replace("~", "~0").Replace("/", "~1");
}

/// <summary>One YAML document read as JSON, with the 1-based line of every JSON pointer in it.</summary>
public sealed record YamlJsonDocument(JsonNode? Root, IReadOnlyDictionary<string, int> Lines)
{
    /// <summary>The line of the pointer, or of its nearest ancestor that has one.</summary>
    public int LineOf(string pointer)
    {
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (Lines.TryGetValue(p, out var line))
                return line;
            if (p.Length == 0)
                return 1;
        }
    }
}
