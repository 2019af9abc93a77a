using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// How Argo names and identifies status entries (v4.1.2, see <see cref="ArgoController"/>): node
/// names are paths built from the Workflow name, IDs are <c>WORKFLOW-fnv32a(name)</c>.
/// </summary>
public static class NodeNames
{
    /// <summary><c>Workflow.NodeID</c>: the Workflow's own name for the root, else <c>WORKFLOW-N</c> with N the FNV-1a 32-bit hash of the node name.</summary>
    public static string NodeId(string workflowName, string nodeName) =>
        nodeName == workflowName ? workflowName : workflowName + "-" + Fnv1a32(nodeName).ToString(CultureInfo.InvariantCulture);

    /// <summary>v2 pod name (<c>workflow/util/pod_name.go</c>): <c>WORKFLOW-TEMPLATE-fnv32a(node name)</c>, prefix cut at 242 characters.</summary>
    public static string PodName(string workflowName, string nodeName, string templateName)
    {
        var prefix = templateName.Length > 0 ? workflowName + "-" + templateName : workflowName;
        if (prefix.Length > 242)
            prefix = prefix[..242];
        return prefix + "-" + Fnv1a32(nodeName).ToString(CultureInfo.InvariantCulture);
    }

    public static string StepGroup(string stepsNodeName, int index) => $"{stepsNodeName}[{index}]";

    public static string Step(string stepGroupName, string stepName) => $"{stepGroupName}.{stepName}";

    public static string RetryAttempt(string retryNodeName, int attempt) => $"{retryNodeName}({attempt})";

    public static string OnExit(string parentNodeName) => parentNodeName + ".onExit";

    /// <summary><c>generateNodeName</c>: <c>step(i:item)</c>, parentheses removed from the item's text.</summary>
    public static string LoopItem(string stepName, int index, JsonElement item) =>
        $"{stepName}({index}:{ItemText(item).Replace("(", "").Replace(")", "")})";

    /// <summary>
    /// The item as <c>generateNodeName</c> prints it: a string unquoted, a number or boolean as JSON,
    /// a map as its sorted <c>key:value</c> pairs joined by commas, a list as Go prints a slice.
    /// </summary>
    public static string ItemText(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.String => item.GetString()!,
        JsonValueKind.Object => string.Join(",", item.EnumerateObject()
            .Select(p => $"{p.Name}:{ValueText(p.Value)}").OrderBy(s => s, StringComparer.Ordinal)),
        JsonValueKind.Array => "[" + string.Join(" ", item.EnumerateArray().Select(ItemText)) + "]",
        _ => item.GetRawText(),
    };

    /// <summary>The value <c>{{item}}</c> (or <c>{{item.KEY}}</c>) is replaced with.</summary>
    public static string ItemValue(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.String => item.GetString()!,
        JsonValueKind.Object or JsonValueKind.Array => GoJson.Compact(item),
        _ => item.GetRawText(),
    };

    private static string ValueText(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>
    /// <c>initializeNode</c>: the name without its boundary node's name, then without a leading
    /// <c>[i].</c> or <c>.</c>; the full name when there is no boundary.
    /// </summary>
    public static string DisplayName(string nodeName, string? boundaryNodeName)
    {
        if (boundaryNodeName is null)
            return nodeName;
        var display = nodeName.StartsWith(boundaryNodeName, StringComparison.Ordinal) ? nodeName[boundaryNodeName.Length..] : nodeName;
        // ^(\[\d+\])?\. without a regex: this runs for every entry.
        var i = 0;
        if (display.Length > 0 && display[0] == '[')
        {
            i = 1;
            while (i < display.Length && char.IsAsciiDigit(display[i]))
                i++;
            if (i == 1 || i >= display.Length || display[i] != ']')
                return display;
            i++;
        }
        return i < display.Length && display[i] == '.' ? display[(i + 1)..] : display;
    }

    public static uint Fnv1a32(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }
}
