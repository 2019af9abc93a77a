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

    /// <summary>A model as YAML (its JSON by <see cref="ArgoJsonWriter.ToNode"/>); a JSON tree (which a <see cref="JsonObject"/> argument binds to here) is written as it is.</summary>
    public static string Serialize<T>(T value) => Serialize(ArgoJsonWriter.ToNode(value));

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

    /// <summary>
    /// Reads one YAML document into a model. Values are read as Kubernetes reads them (YAML 1.1,
    /// see <see cref="LoadAll"/>); a field the model cannot hold, or a value of the wrong JSON type,
    /// is a <see cref="YamlException"/> at its line naming the field, never silently dropped.
    /// </summary>
    public static T Deserialize<T>(string yaml)
    {
        var documents = LoadAll(yaml);
        if (documents.Count > 1)
            throw new YamlException($"expected one YAML document, found {documents.Count}");
        var document = documents.Count == 1 ? documents[0] : null;
        if (document?.Root is not { } root)
            throw new YamlException($"the YAML document is empty, expected a {typeof(T).Name}");
        try
        {
            return root.Deserialize<T>(ArgoJson.Strict)!;
        }
        catch (JsonException e)
        {
            throw ModelError(e, document, typeof(T));
        }
    }

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

    /// <summary>
    /// Reads every document of a YAML stream as JSON the way Kubernetes and Argo read it
    /// (sigs.k8s.io/yaml over go-yaml v2: YAML 1.1 scalars, merge keys, aliases), remembering the
    /// line of each JSON pointer. A key written twice in one mapping is a <see cref="YamlException"/>.
    /// </summary>
    public static IReadOnlyList<YamlJsonDocument> LoadAll(string yaml) => YamlReader.LoadAll(yaml);

    private static YamlException ModelError(JsonException e, YamlJsonDocument document, System.Type model)
    {
        var pointer = PointerOf(e.Path);
        var unmapped = UnmappedMember().Match(e.Message);
        if (unmapped.Success && !pointer.EndsWith("/" + YamlReader.EscapePointer(unmapped.Groups[1].Value), StringComparison.Ordinal))
            pointer += "/" + YamlReader.EscapePointer(unmapped.Groups[1].Value);
        var field = pointer.Length == 0 ? "the document" : $"'{pointer.TrimStart('/').Replace('/', '.')}'";
        var message = unmapped.Success
            ? $"{field} is not a field of {unmapped.Groups[2].Value} in the Argo v4.1.2 models; it would be dropped"
            : $"{field} cannot be read as part of a {model.Name}: {Reason(e, At(document.Root, pointer))}";
        var mark = new Mark(0, document.LineOf(pointer), 1);
        return new YamlException(mark, mark, message, e);
    }

    private static string Reason(JsonException e, JsonNode? value)
    {
        var expected = ExpectedType().Match(e.InnerException?.Message ?? e.Message);
        if (!expected.Success)
            return e.Message.Split(" Path: ")[0];
        var type = expected.Groups[1].Value.TrimEnd('.');
        var wanted = type switch
        {
            "System.String" or "String" or "string" => "a string",
            "System.Boolean" or "Boolean" => "true or false",
            "System.Int32" or "System.Int64" or "Int32" or "Int64" or "Number" => "a whole number",
            "System.Double" or "Double" => "a number",
            _ when type.Contains("List", StringComparison.Ordinal) => "a list",
            _ => "a mapping",
        };
        var got = value?.GetValueKind() switch
        {
            JsonValueKind.Object => "a mapping",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => $"the string '{value}'",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            _ => "null",
        };
        return $"expected {wanted}, got {got}";
    }

    private static JsonNode? At(JsonNode? node, string pointer)
    {
        foreach (var part in pointer.Split('/').Skip(1).Select(p => p.Replace("~1", "/").Replace("~0", "~")))
            node = node is JsonArray array && int.TryParse(part, out var index) && index < array.Count ? array[index] : node is JsonObject map ? map[part] : null;
        return node;
    }

    /// <summary>System.Text.Json's <c>$.spec.templates[0]['a.b']</c> as a JSON pointer.</summary>
    private static string PointerOf(string? path)
    {
        var pointer = new StringBuilder();
        foreach (Match part in PathPart().Matches(path ?? "$"))
            pointer.Append('/').Append(YamlReader.EscapePointer(part.Groups["name"].Success ? part.Groups["name"].Value
                : part.Groups["quoted"].Success ? part.Groups["quoted"].Value : part.Groups["index"].Value));
        return pointer.ToString();
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>[0-9]+)\]")]
    private static partial Regex PathPart();

    [GeneratedRegex(@"(?:could not be converted to |as an? )([A-Za-z0-9_.`]+)")]
    private static partial Regex ExpectedType();

    [GeneratedRegex(@"The JSON property '(.*)' could not be mapped to any \.NET member contained in type '(?:[A-Za-z0-9_.]+\.)?([A-Za-z0-9_]+)'")]
    private static partial Regex UnmappedMember();

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
}
