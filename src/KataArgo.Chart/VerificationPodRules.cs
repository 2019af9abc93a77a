using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using KataArgo.Lifecycle;

namespace KataArgo.Chart;

/// <summary>
/// What the chart requires of defaults.verificationPod at install time: the rules of
/// templates/steps/verification-pod-rules.json (<see cref="VerificationPodManifest"/>), which
/// preflight applies to the parameter in the cluster. The same rules and messages are rendered into
/// _helpers.tpl (<see cref="HelmMessages"/>), so `helm install`, `kata-argo template` and every
/// run's preflight accept and refuse the same manifests with the same line.
/// </summary>
public static class VerificationPodRules
{
    /// <summary>Null when the manifest is acceptable, else the one-line reason.</summary>
    public static string? Check(string? manifest) =>
        VerificationPodManifest.Check(manifest ?? "", VerificationPodPlace.Value)?.Message;

    /// <summary>
    /// The messages for _helpers.tpl as YAML that Helm's fromYaml reads: each rule's message for the
    /// chart value as a printf format (its value placeholder as %s), and the fixed details.
    /// </summary>
    public static string HelmMessages()
    {
        var rules = VerificationPodManifest.Rules;
        var text = new StringBuilder();
        foreach (var (id, _, _, _) in rules.Rules.Where(r => r.Only is null or VerificationPodPlace.Value))
        {
            var format = rules.Template(VerificationPodPlace.Value, id).Replace("%", "%%", StringComparison.Ordinal);
            if (rules.ValuePlaceholder(id) is { } placeholder)
                format = format.Replace("{" + placeholder + "}", "%s", StringComparison.Ordinal);
            text.Append($"{id}: {Quoted(format)}\n");
        }
        text.Append("details:\n");
        foreach (var (key, detail) in rules.Details)
            text.Append($"  {key}: {Quoted(detail)}\n");
        text.Append($"documentSeparator: {Quoted(rules.DocumentSeparator.ToString())}");
        var yaml = text.ToString();
        if (yaml.Contains("{{", StringComparison.Ordinal))
            throw new InvalidOperationException($"templates/steps/{VerificationPodManifest.File}: a message contains '{{{{', which Helm would read as an action");
        return yaml;
    }

    /// <summary>The rules for the chart README: id, when it refuses, the place it is only for, and its refusal after the value's name.</summary>
    public static IEnumerable<object> Table()
    {
        var rules = VerificationPodManifest.Rules;
        var prefix = rules.Places[VerificationPodPlace.Value].Name + ": ";
        return rules.Rules.Select(r => new
        {
            r.Id,
            r.When,
            Only = r.Only is { } only ? rules.Places[only].Name : null,
            Message = r.Message.StartsWith("{name}: ", StringComparison.Ordinal)
                ? rules.Template(r.Only ?? VerificationPodPlace.Value, r.Id)[(rules.Places[r.Only ?? VerificationPodPlace.Value].Name.Length + 2)..]
                : throw new InvalidOperationException($"templates/steps/{VerificationPodManifest.File}: rule '{r.Id}' does not start with '{{name}}: '"),
        });
    }

    /// <summary>A YAML double-quoted scalar (JSON's string syntax), without escaping what YAML reads literally.</summary>
    private static string Quoted(string text) => JsonSerializer.Serialize(text, Unescaped);

    // One options instance: each new one builds its own metadata cache, once per rule at start-up.
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
