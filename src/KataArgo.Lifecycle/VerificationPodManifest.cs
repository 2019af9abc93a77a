using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using YamlDotNet.Core;

namespace KataArgo.Lifecycle;

/// <summary>Where a verification pod manifest is given: the workflow parameter (base64) or the chart value (text).</summary>
public enum VerificationPodPlace
{
    Parameter,
    Value,
}

/// <summary>A refused manifest: the id of the rule it breaks and that rule's one-line message.</summary>
public sealed record VerificationPodRefusal(string Rule, string Message);

/// <summary>
/// The rules of a verification pod manifest, from <c>templates/steps/verification-pod-rules.json</c>:
/// one file, which preflight.sh reads beside lib.sh, this assembly embeds with the steps, and the
/// chart's <c>_helpers.tpl</c> is rendered from, so every place refuses the same manifest with the
/// same line. The manifest is read as kubectl 1.35 reads a file (k8s.io/apimachinery's YAMLReader,
/// cli-runtime's StreamVisitor, create's Flatten): split at lines starting with <c>---</c> that
/// carry at most a comment, documents of only comments or <c>null</c> skipped, a v1 List counted
/// as its items.
/// </summary>
public static partial class VerificationPodManifest
{
    /// <summary>The file's name among the step files (<see cref="StepScripts.Files"/>).</summary>
    public const string File = "verification-pod-rules.json";

    /// <summary>Replaced by the node's name in every string value of the manifest (verify.sh).</summary>
    public const string NodePlaceholder = "${NODE}";

    private static readonly Lazy<VerificationPodRuleFile> Parsed = new(() => VerificationPodRuleFile.Parse(StepScripts.Read(File)));

    /// <summary>The rules as the embedded file has them.</summary>
    public static VerificationPodRuleFile Rules => Parsed.Value;

    /// <summary>Null when the manifest (YAML or JSON text) passes every rule, else the first rule it breaks.</summary>
    public static VerificationPodRefusal? Check(string manifest, VerificationPodPlace place)
    {
        var rules = Rules;
        VerificationPodRefusal Refuse(string rule, string? placeholder = null, string value = "") =>
            new(rule, rules.Message(place, rule, placeholder, value));
        VerificationPodRefusal Unreadable(string detail) => Refuse("unreadable", "detail", detail);

        if (manifest.Length == 0)
            return Refuse("missing");
        var objects = new List<JsonNode?>();
        foreach (var (document, linesBefore) in Documents(rules.DocumentSeparator, manifest))
        {
            if (LineStartingWithMarker().IsMatch(document))
                return Unreadable(rules.Details["separator"]);
            JsonNode? root;
            try
            {
                root = ArgoYaml.Load(document);
            }
            catch (YamlException e)
            {
                return Unreadable(YamlErrorLocation.Describe(e.Start.Line > 0
                    ? new YamlException(new Mark(e.Start.Index, e.Start.Line + linesBefore, e.Start.Column), e.End, e.Message, e)
                    : e));
            }
            if (root is null)
                continue;
            objects.AddRange(root is JsonObject list && Text(list["apiVersion"]) == "v1" && Text(list["kind"]) == "List"
                ? list["items"] as JsonArray ?? [] : [root]);
        }
        foreach (var obj in objects)
        {
            var problem = obj is not JsonObject o ? "notMapping" : Text(o["apiVersion"]) == "" ? "noApiVersion" : Text(o["kind"]) == "" ? "noKind" : null;
            if (problem is not null)
                return Unreadable(rules.Details[problem]);
        }
        if (objects.Count != 1)
            return Refuse("count", "count", objects.Count.ToString(CultureInfo.InvariantCulture));
        var pod = (JsonObject)objects[0]!;
        var kind = Text(pod["kind"]);
        if (kind != "Pod")
            return Refuse("not-a-pod", "kind", kind);
        if (!Strings(pod).Any(s => s.Contains(NodePlaceholder, StringComparison.Ordinal)))
            return Refuse("no-node");
        var spec = pod["spec"] as JsonObject;
        if (!IsPinned(spec))
            return Refuse("not-pinned");
        var restartPolicy = Text(spec?["restartPolicy"]);
        if (restartPolicy is "" or "Always")
            return Refuse("restarts", "restartPolicy", restartPolicy == "" ? rules.Details["defaultRestartPolicy"] : restartPolicy);
        return null;
    }

    /// <summary>spec.nodeName or a spec.nodeSelector value is ${NODE}, or every required node affinity term has an In requirement on exactly [${NODE}].</summary>
    private static bool IsPinned(JsonObject? spec)
    {
        if (spec is null)
            return false;
        if (Text(spec["nodeName"]) == NodePlaceholder)
            return true;
        if (spec["nodeSelector"] is JsonObject selector && selector.Any(p => Text(p.Value) == NodePlaceholder))
            return true;
        var terms = spec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray;
        return terms is { Count: > 0 } && terms.All(term =>
            new[] { "matchExpressions", "matchFields" }.SelectMany(key => term?[key] as JsonArray ?? []).Any(requirement =>
                Text(requirement?["operator"]) == "In"
                && requirement!["values"] is JsonArray { Count: 1 } values && Text(values[0]) == NodePlaceholder));
    }

    /// <summary>A scalar's text; empty for null, a mapping or a list.</summary>
    private static string Text(JsonNode? node) => node is JsonValue value ? value.ToString() : "";

    /// <summary>Every string value in the object (not keys), as jq's <c>.. | strings</c>.</summary>
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>A line starting with --- that is not a separator: kubectl's YAMLReader refuses it.</summary>
    /// <summary>The documents between separator lines, each with the number of the manifest's lines before its first line (to report a YAML error at the manifest's line).</summary>
    private static IEnumerable<(string Text, int LinesBefore)> Documents(Regex separator, string manifest)
    {
        var start = 0;
        foreach (Match match in separator.Matches(manifest))
        {
            yield return (manifest[start..match.Index], manifest.AsSpan(0, start).Count('\n'));
            start = match.Index + match.Length;
        }
        yield return (manifest[start..], manifest.AsSpan(0, start).Count('\n'));
    }

    [GeneratedRegex("(?m)^---")]
    private static partial Regex LineStartingWithMarker();
}

/// <summary>One rule: its id, when it refuses, its message (with placeholders), and the one place it applies to (null: both).</summary>
public sealed record VerificationPodRule(string Id, string When, string Message, VerificationPodPlace? Only);

/// <summary>The parsed <c>verification-pod-rules.json</c>: places, rules in order with their messages (and the one place a rule is only for), fixed details.</summary>
public sealed partial record VerificationPodRuleFile(
    IReadOnlyDictionary<VerificationPodPlace, (string Name, string Pass)> Places,
    IReadOnlyList<VerificationPodRule> Rules,
    IReadOnlyDictionary<string, string> Details,
    IReadOnlyList<string> Placeholders,
    Regex DocumentSeparator)
{
    /// <summary>Placeholders filled from the place (<c>places.*</c>); the others carry a value of the manifest.</summary>
    public static readonly IReadOnlyList<string> PlacePlaceholders = ["name", "pass"];

    /// <summary>The rule's message for the place, with the one value placeholder (if any) filled.</summary>
    public string Message(VerificationPodPlace place, string rule, string? placeholder = null, string value = "")
    {
        var text = Template(place, rule);
        return placeholder is null ? text : text.Replace("{" + placeholder + "}", value, StringComparison.Ordinal);
    }

    /// <summary>The rule's message for the place with the place's placeholders filled; a value placeholder stays.</summary>
    public string Template(VerificationPodPlace place, string rule)
    {
        var message = Rules.SingleOrDefault(r => r.Id == rule)?.Message
            ?? throw new InvalidOperationException($"templates/steps/{VerificationPodManifest.File}: no rule '{rule}'");
        var (name, pass) = Places[place];
        return message.Replace("{name}", name, StringComparison.Ordinal).Replace("{pass}", pass, StringComparison.Ordinal);
    }

    public static VerificationPodRuleFile Parse(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        string S(JsonNode? node, string path) =>
            node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
            : throw new InvalidOperationException($"templates/steps/{VerificationPodManifest.File}: {path} is not a string");
        (string, string) Place(string key) => (S(root["places"]?[key]?["name"], $"places.{key}.name"), S(root["places"]?[key]?["pass"], $"places.{key}.pass"));
        var placeholders = root["placeholders"]!.AsObject().Select(p => p.Key).ToList();
        var rules = root["rules"]!.AsArray().Select((r, i) => new VerificationPodRule(
            S(r?["id"], $"rules[{i}].id"), S(r?["when"], $"rules[{i}].when"), S(r?["message"], $"rules[{i}].message"),
            r?["only"] is { } only ? Enum.Parse<VerificationPodPlace>(S(only, $"rules[{i}].only"), ignoreCase: true) : null)).ToList();
        foreach (var (id, _, message, _) in rules)
        {
            var used = Placeholder().Matches(message).Select(m => m.Groups[1].Value).Where(placeholders.Contains).Except(PlacePlaceholders).ToList();
            if (used.Count > 1)
                throw new InvalidOperationException($"templates/steps/{VerificationPodManifest.File}: rule '{id}' has {used.Count} value placeholders; at most one");
        }
        return new(
            new Dictionary<VerificationPodPlace, (string, string)> { [VerificationPodPlace.Parameter] = Place("parameter"), [VerificationPodPlace.Value] = Place("value") },
            rules,
            root["details"]!.AsObject().ToDictionary(p => p.Key, p => S(p.Value, $"details.{p.Key}")),
            placeholders,
            new Regex(S(root["documentSeparator"], "documentSeparator"), RegexOptions.CultureInvariant));
    }

    /// <summary>The value placeholder a rule's message carries, if any.</summary>
    public string? ValuePlaceholder(string rule) =>
        Placeholder().Matches(Rules.Single(r => r.Id == rule).Message).Select(m => m.Groups[1].Value)
            .FirstOrDefault(p => Placeholders.Contains(p) && !PlacePlaceholders.Contains(p));

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Placeholder();
}
