using System.Text.RegularExpressions;

namespace KataArgo.Chart;

/// <summary>
/// Puts Helm into rendered YAML. Objects are built with placeholder tokens where values flow in;
/// after YAML is written, Argo's own <c>{{...}}</c> is escaped for Helm and each token becomes its
/// Helm expression.
/// </summary>
public static partial class HelmBindings
{
    private const string Prefix = "KATAARGO_HELM_";
    private const string End = "_END";

    /// <summary>The chart's standard labels, rendered by the _helpers.tpl include.</summary>
    public const string LabelsToken = Prefix + "LABELS" + End;

    /// <summary>A placeholder for a chart value; plain-safe in YAML and unique.</summary>
    public static string Token(string valuePath) => Prefix + valuePath.Replace('.', '_') + End;

    /// <summary>Argo's <c>{{expr}}</c> becomes <c>{{`{{expr}}`}}</c>, which Helm prints verbatim.</summary>
    public static string EscapeArgoExpressions(string yaml)
    {
        return ArgoExpression().Replace(yaml, m =>
        {
            if (m.Value.Contains('`'))
                throw new InvalidOperationException($"cannot escape '{m.Value}' for Helm: it contains a backtick");
            return "{{`" + m.Value + "`}}";
        });
    }

    /// <summary>
    /// Replaces tokens: a token that is a whole scalar becomes <paramref name="quoted"/>(path), one
    /// inside a longer string becomes <paramref name="raw"/>(path), and the labels token becomes
    /// the include of the chart's labels, indented under its key.
    /// </summary>
    public static string Bind(string yaml, Func<string, string> quoted, Func<string, string> raw)
    {
        yaml = LabelsLine().Replace(yaml, m =>
        {
            var indent = m.Groups["indent"].Value;
            return $"{indent}{m.Groups["key"].Value}:\n{indent}  {{{{- include \"kata-lifecycle-manager.labels\" . | nindent {indent.Length + 2} }}}}";
        });
        yaml = WholeScalar().Replace(yaml, m => quoted(PathOf(m.Value)));
        yaml = AnyToken().Replace(yaml, m => raw(PathOf(m.Value)));
        if (yaml.Contains(Prefix, StringComparison.Ordinal))
            throw new InvalidOperationException("a Helm placeholder was left in the rendered chart");
        return yaml;
    }

    private static string PathOf(string token) => token[Prefix.Length..^End.Length].Replace('_', '.');

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex ArgoExpression();

    [GeneratedRegex(@"^(?<indent> *)(?<key>[A-Za-z]+): KATAARGO_HELM_LABELS_END$", RegexOptions.Multiline)]
    private static partial Regex LabelsLine();

    // The token is what is searched for (a literal, found fast); what precedes it is checked behind it.
    [GeneratedRegex(@"(?<=(?:^|\n)(?: *(?:- )?[A-Za-z0-9_./-]+: | *- ))KATAARGO_HELM_[A-Za-z0-9_]+?_END(?=\n|$)")]
    private static partial Regex WholeScalar();

    [GeneratedRegex(@"KATAARGO_HELM_[A-Za-z0-9_]+?_END")]
    private static partial Regex AnyToken();
}
