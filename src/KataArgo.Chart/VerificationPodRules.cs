using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using YamlDotNet.Core;

namespace KataArgo.Chart;

/// <summary>
/// What the chart requires of defaults.verificationPod at install time. The same messages are
/// rendered into _helpers.tpl, so `helm install` and `kata-argo template` fail alike.
/// </summary>
public static partial class VerificationPodRules
{
    public const string Missing =
        "defaults.verificationPod is required: pass the verification Pod manifest with --set-file defaults.verificationPod=pod.yaml";
    public const string NotYaml = "defaults.verificationPod is not a YAML manifest: ";
    public const string SeveralDocuments =
        "defaults.verificationPod holds several YAML documents: pass a single Pod manifest";
    public const string NotAPodFormat = "defaults.verificationPod is a '%s', not a Pod: pass a manifest with kind: Pod";
    public const string NoNodePlaceholder =
        "defaults.verificationPod does not use ${NODE}: pin the pod to the node under test, e.g. nodeSelector: {kubernetes.io/hostname: ${NODE}}";

    /// <summary>Null when the manifest is acceptable, else the one-line reason.</summary>
    public static string? Check(string? manifest)
    {
        if (string.IsNullOrWhiteSpace(manifest))
            return Missing;
        // A separator first or last opens or closes the one document (kubectl reads one Pod); only one between documents counts.
        if (DocumentSeparator().IsMatch(TrailingSeparator().Replace(LeadingSeparator().Replace(manifest.Trim(), "", 1), "", 1)))
            return SeveralDocuments;
        JsonNode? document;
        try
        {
            document = ArgoYaml.Load(manifest);
        }
        catch (YamlException e)
        {
            return NotYaml + e.Message;
        }
        var kind = (document as JsonObject)?["kind"]?.ToString() ?? "";
        if (kind != "Pod")
            return NotAPodFormat.Replace("%s", kind);
        if (!manifest.Contains("${NODE}", StringComparison.Ordinal))
            return NoNodePlaceholder;
        return null;
    }

    [GeneratedRegex(@"^---")]
    private static partial Regex LeadingSeparator();

    [GeneratedRegex(@"\n---\z")]
    private static partial Regex TrailingSeparator();

    [GeneratedRegex(@"(?m)^---[ \t]*$")]
    private static partial Regex DocumentSeparator();
}
