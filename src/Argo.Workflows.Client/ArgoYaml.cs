using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Argo.Workflows.Client;

/// <summary>
/// The single gateway for YAML in and out. Objects travel as JSON (the generated types' JSON
/// names), and YAML is only a notation for that JSON: block style, a stable key order, and
/// quotes on every string a YAML reader (YAML 1.1 as in Helm and kubectl, or 1.2) would re-type.
/// </summary>
public static partial class ArgoYaml
{
    /// <summary>Keys written first, in this order, in every mapping; the rest keep their JSON order.</summary>
    private static readonly string[] LeadingKeys = ["apiVersion", "kind", "metadata", "name", "namespace"];

    public static string Serialize<T>(T value) => Serialize(JsonSerializer.SerializeToNode(value, ArgoJson.Options));

    public static string Serialize(JsonNode? node) => SerializeAll([node]);

    /// <summary>Several documents separated by <c>---</c>.</summary>
    public static string SerializeAll(IEnumerable<JsonNode?> documents)
    {
        var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, newLine: "\n"));
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: true));
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>A scalar as it appears after <c>key: </c> in block YAML (quoted when YAML would re-type it).</summary>
    public static string Scalar(JsonNode? value)
    {
        const string key = "k: ";
        var line = Serialize(new JsonObject { ["k"] = value?.DeepClone() });
        return line[key.Length..].TrimEnd('\n');
    }

    public static T Deserialize<T>(string yaml) =>
        Load(yaml).Deserialize<T>(ArgoJson.Options) ?? throw new YamlException($"the YAML document is empty, expected a {typeof(T).Name}");

    /// <summary>Reads exactly one YAML document as JSON.</summary>
    public static JsonNode? Load(string yaml)
    {
        var documents = LoadAll(yaml);
        return documents.Count switch
        {
            1 => documents[0].Root,
            0 => null,
            _ => throw new YamlException($"expected one YAML document, found {documents.Count}"),
        };
    }

    /// <summary>Reads every document of a YAML stream, remembering the line of each JSON pointer.</summary>
    public static IReadOnlyList<YamlJsonDocument> LoadAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var documents = new List<YamlJsonDocument>();
        foreach (var document in stream.Documents)
        {
            var lines = new Dictionary<string, int>(StringComparer.Ordinal);
            var root = ToJson(document.RootNode, "", lines);
            if (root is null && document.RootNode is YamlScalarNode { Value: null or "" })
                continue; // an empty document between separators
            documents.Add(new YamlJsonDocument(root, lines));
        }
        return documents;
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
                foreach (var (key, value) in Ordered(map))
                {
                    emitter.Emit(StringScalar(key));
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in list)
                    Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                emitter.Emit(ValueScalar(value));
                break;
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Ordered(JsonObject map)
    {
        foreach (var key in LeadingKeys)
            if (map.TryGetPropertyValue(key, out var leading))
                yield return new(key, leading);
        foreach (var pair in map)
            if (Array.IndexOf(LeadingKeys, pair.Key) < 0)
                yield return pair;
    }

    private static Scalar ValueScalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => StringScalar(value.GetValue<string>()),
        JsonValueKind.True => new Scalar(AnchorName.Empty, TagName.Empty, "true", ScalarStyle.Plain, true, false),
        JsonValueKind.False => new Scalar(AnchorName.Empty, TagName.Empty, "false", ScalarStyle.Plain, true, false),
        JsonValueKind.Number => new Scalar(AnchorName.Empty, TagName.Empty, value.ToJsonString(), ScalarStyle.Plain, true, false),
        var kind => throw new InvalidOperationException($"cannot write a JSON {kind} as a YAML scalar"),
    };

    private static Scalar StringScalar(string text)
    {
        var style = text.Contains('\n') ? ScalarStyle.Literal
            : WouldBeRetyped(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
        return new Scalar(AnchorName.Empty, TagName.Empty, text, style, style == ScalarStyle.Any, true);
    }

    /// <summary>True when a plain scalar with this text would not read back as a string.</summary>
    public static bool WouldBeRetyped(string text) => text.Length == 0 || NonString().IsMatch(text);

    // YAML 1.1 (go-yaml v2 used by Helm and kubectl) and YAML 1.2 core schema: null, bool, int, float, timestamp, merge.
    [GeneratedRegex("""
        ^(?:~|null|Null|NULL
        |y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*
        |[-+]?0[bBoOxX][0-9a-fA-F_]+
        |[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
        |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt\s].*)?
        |<<|=)$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex NonString();

    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, int> lines)
    {
        lines.TryAdd(pointer, (int)node.Start.Line);
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                        throw new YamlException(keyNode.Start, keyNode.End, "only scalar mapping keys are supported");
                    if (obj.ContainsKey(key))
                        throw new YamlException(keyNode.Start, keyNode.End, $"duplicate key '{key}'");
                    var child = pointer + "/" + EscapePointer(key);
                    lines.TryAdd(child, (int)keyNode.Start.Line); // a field is reported at its key
                    obj[key] = ToJson(valueNode, child, lines);
                }
                return obj;
            case YamlSequenceNode list:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in list.Children)
                    array.Add(ToJson(item, pointer + "/" + index++, lines));
                return array;
            case YamlScalarNode scalar:
                return ScalarToJson(scalar);
            default:
                throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}");
        }
    }

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str")
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }
        if (YamlNumber().IsMatch(text))
        {
            var unsigned = text.TrimStart('+');
            if (JsonNumber().IsMatch(unsigned))
                return JsonNode.Parse(unsigned); // keeps the exact digits
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                return JsonValue.Create(value);
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlNumber();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    private static string EscapePointer(string key) => key.Replace("~", "~0").Replace("/", "~1");
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
