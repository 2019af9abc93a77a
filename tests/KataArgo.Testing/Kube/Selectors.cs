using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KataArgo.Testing.Kube;

/// <summary>Label selectors (=, ==, !=, in, notin, key, !key) and field selectors (path=value, path!=value) of list requests.</summary>
public static partial class Selectors
{
    public static bool LabelsMatch(JsonObject obj, string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
            return true;
        var labels = obj["metadata"]?["labels"] as JsonObject ?? [];
        string? Label(string k) => labels.TryGetPropertyValue(k, out var v) ? (string?)v : null;
        foreach (var requirement in Split(selector))
        {
            var r = requirement.Trim();
            Match m;
            if ((m = SetRequirement().Match(r)).Success)
            {
                var values = m.Groups[3].Value.Split(',').Select(v => v.Trim()).ToList();
                var value = Label(m.Groups[1].Value);
                var isIn = value is not null && values.Contains(value);
                if (m.Groups[2].Value == "in" ? !isIn : isIn)
                    return false;
            }
            else if ((m = Comparison().Match(r)).Success)
            {
                var value = Label(m.Groups[1].Value);
                var equal = value == m.Groups[3].Value;
                if (m.Groups[2].Value == "!=" ? equal : !equal)
                    return false;
            }
            else if (r.StartsWith('!'))
            {
                if (Label(r[1..].Trim()) is not null)
                    return false;
            }
            else if (Label(r) is null)
                return false;
        }
        return true;
    }

    public static bool FieldsMatch(JsonObject obj, string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
            return true;
        foreach (var requirement in selector.Split(','))
        {
            var m = Comparison().Match(requirement.Trim());
            if (!m.Success)
                throw new ArgumentException($"unparsable field selector '{requirement}'");
            JsonNode? node = obj;
            foreach (var part in m.Groups[1].Value.Split('.'))
                node = node?[part];
            var value = node is null ? "" : node.ToString();
            var equal = value == m.Groups[3].Value;
            if (m.Groups[2].Value == "!=" ? equal : !equal)
                return false;
        }
        return true;
    }

    private static IEnumerable<string> Split(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }

    [GeneratedRegex(@"^([^\s!=]+)\s+(in|notin)\s*\((.*)\)$")]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^([^\s!=]+)\s*(==|=|!=)\s*(.*)$")]
    private static partial Regex Comparison();
}
