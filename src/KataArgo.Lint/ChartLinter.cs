using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Chart;
using YamlDotNet.Core;

namespace KataArgo.Lint;

/// <summary>
/// Lints a kata-lifecycle-manager chart directory: renders its templates with its values.yaml and
/// lints the result. Rendering understands exactly the Helm expressions `kata-argo render` writes
/// (and reports any other as a finding), so no Helm binary is needed.
/// </summary>
public static partial class ChartLinter
{
    /// <summary>Used when values.yaml leaves defaults.verificationPod empty, as the chart ships.</summary>
    public const string SamplePod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
        spec:
          restartPolicy: Never
          nodeSelector:
            kubernetes.io/hostname: ${NODE}
          containers:
          - name: check
            image: registry.k8s.io/pause:3.10
        """;

    /// <summary>Findings for every supported Argo version (the chart must work on all of them).</summary>
    public static List<Finding> Lint(string chartDirectory, string releaseName = ManifestRenderer.DefaultReleaseName) =>
        [.. Check(chartDirectory, ArgoVersionRequirement.All, releaseName).Findings];

    public static LintReport Check(string chartDirectory, ArgoVersionRequirement versions, string releaseName = ManifestRenderer.DefaultReleaseName)
    {
        var findings = new List<Finding>();
        var rendered = Render(chartDirectory, releaseName, findings);
        var reports = rendered.Select(r => ManifestLinter.Check(r.File, r.Text, versions, r.LineOf)).ToList();
        if (findings.Count == 0 && !rendered.Any(r => r.Text.Contains("kind: WorkflowTemplate", StringComparison.Ordinal)))
            findings.Add(new Finding("templates", 1, Severity.Error, "the chart renders no WorkflowTemplate"));
        reports.Add(new LintReport(findings, 0, [], []));
        return LintReport.Combine(reports);
    }

    /// <summary>The chart's templates rendered with its values.yaml: (file, YAML, rendered line → template line).</summary>
    /// <param name="overrides">Values files applied over the chart's values.yaml, as `helm template -f`.</param>
    public static List<(string File, string Text, Func<int, int> LineOf)> Render(
        string chartDirectory, string releaseName, List<Finding> findings, IReadOnlyList<(string Name, string Yaml)>? overrides = null)
    {
        var result = new List<(string, string, Func<int, int>)>();
        var chartFile = Path.Combine(chartDirectory, "Chart.yaml");
        if (!File.Exists(chartFile))
        {
            findings.Add(new Finding("Chart.yaml", 1, Severity.Error, $"{chartDirectory} is not a chart: Chart.yaml is missing"));
            return result;
        }
        var chart = ArgoYaml.Load(File.ReadAllText(chartFile)) as JsonObject ?? [];
        var valuesFile = Path.Combine(chartDirectory, "values.yaml");
        var files = File.Exists(valuesFile) ? new List<(string Name, string Yaml)> { ("values.yaml", File.ReadAllText(valuesFile)) } : [];
        files.AddRange(overrides ?? []);
        var parsed = new List<JsonNode?>();
        foreach (var (name, yaml) in files)
        {
            try
            {
                parsed.Add(ArgoYaml.Load(yaml));
            }
            catch (YamlException e)
            {
                var column = e.Start.Line > 0 ? $" at column {e.Start.Column}" : "";
                findings.Add(new Finding(name, Math.Max(1, (int)e.Start.Line), Severity.Error, $"not valid YAML{column}: {YamlErrorLocation.Words(e)}"));
                return result;
            }
        }
        JsonObject values;
        try
        {
            var podSet = parsed.Select(p => p?["defaults"]?["verificationPod"]?.ToString()).LastOrDefault(p => !string.IsNullOrWhiteSpace(p));
            values = ChartValuesLoader.Load(new ChartValuesLoader.Sources
            {
                Files = files,
                SetFile = string.IsNullOrWhiteSpace(podSet) ? [(ChartValues.VerificationPodPath, SamplePod)] : [],
            });
        }
        catch (ChartValuesException e)
        {
            findings.Add(new Finding("values.yaml", files.Count > 0 && files[0].Name == "values.yaml" ? LineOfKey(e.Key, files[0].Yaml) : 1, Severity.Error, e.Message));
            return result;
        }

        var context = new HelmContext(values, chart["name"]?.ToString() ?? "", chart["version"]?.ToString() ?? "",
            chart["appVersion"]?.ToString() ?? "", releaseName);
        var templates = Path.Combine(chartDirectory, "templates");
        foreach (var path in Directory.Exists(templates) ? Directory.GetFiles(templates, "*.yaml").Order(StringComparer.Ordinal).ToArray() : [])
        {
            var file = "templates/" + Path.GetFileName(path);
            var lines = new List<int>();
            var text = new StringBuilder();
            var source = File.ReadAllText(path).Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < source.Length; i++)
            {
                foreach (var line in RenderLine(source[i], context, message => findings.Add(new Finding(file, i + 1, Severity.Error, message))))
                {
                    text.Append(line).Append('\n');
                    lines.Add(i + 1);
                }
            }
            result.Add((file, text.ToString(), (Func<int, int>)(rendered => rendered >= 1 && rendered <= lines.Count ? lines[rendered - 1] : rendered)));
        }
        return result;
    }

    /// <summary>
    /// The line of <paramref name="key"/> (dotted, as defaults.drainTimeout) in the values YAML, else
    /// of the nearest enclosing key it sets, else 1.
    /// </summary>
    internal static int LineOfKey(string? key, string valuesYaml)
    {
        if (string.IsNullOrEmpty(key) || ArgoYaml.LoadAll(valuesYaml).FirstOrDefault() is not { } document)
            return 1;
        var segments = key.Split('.').Select(k => k.Replace("~", "~0").Replace("/", "~1")).ToList();
        for (var count = segments.Count; count > 0; count--)
            if (document.Lines.TryGetValue("/" + string.Join('/', segments.Take(count)), out var line))
                return line;
        return 1;
    }

    private sealed record HelmContext(JsonObject Values, string ChartName, string ChartVersion, string AppVersion, string ReleaseName);

    private static IEnumerable<string> RenderLine(string line, HelmContext context, Action<string> fail)
    {
        var labels = LabelsInclude().Match(line);
        if (labels.Success)
        {
            var indent = new string(' ', int.Parse(labels.Groups[1].Value, CultureInfo.InvariantCulture));
            return Labels(context).Select(l => indent + l);
        }
        var rendered = Expression().Replace(line, m =>
        {
            if (m.Groups["raw"].Success)
                return m.Groups["raw"].Value;
            var expression = m.Groups["expr"].Value.Trim();
            var value = Evaluate(expression, context, out var error);
            if (error is not null)
                fail(error);
            return value;
        });
        return rendered.Split('\n');
    }

    private static string Evaluate(string expression, HelmContext context, out string? error)
    {
        error = null;
        if (expression == "include \"kata-lifecycle-manager.verificationPod\" . | quote")
        {
            var pod = ChartValues.Lookup(context.Values, ChartValues.VerificationPodPath)?.ToString();
            error = VerificationPodRules.Check(pod);
            return Quote(Convert.ToBase64String(Encoding.UTF8.GetBytes(pod ?? "")));
        }
        if (expression == "include \"kata-lifecycle-manager.kataDeploySuffix\" .")
            return ManifestRenderer.SuffixOf(ChartValues.Lookup(context.Values, ChartValues.KataDeploySuffixPath)?.ToString() ?? "");
        var match = ValueExpression().Match(expression);
        if (match.Success)
        {
            var value = ChartValues.Lookup(context.Values, match.Groups["path"].Value);
            var text = value switch
            {
                null => "",
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                _ => value.ToString(),
            };
            return match.Groups["int"].Success ? long.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : match.Groups["quote"].Success ? Quote(text)
                : text;
        }
        error = $"unsupported Helm expression '{{{{ {expression} }}}}': lint renders only what `kata-argo render` writes; for other charts use `helm template ... | kata-argo lint -`";
        return "";
    }

    private static IEnumerable<string> Labels(HelmContext context)
    {
        var chart = $"{context.ChartName}-{context.ChartVersion}";
        yield return $"helm.sh/chart: {(chart.Length > 63 ? chart[..63] : chart).TrimEnd('-')}";
        yield return $"app.kubernetes.io/name: {context.ChartName}";
        yield return $"app.kubernetes.io/instance: {context.ReleaseName}";
        yield return $"app.kubernetes.io/version: {Quote(context.AppVersion)}";
        yield return "app.kubernetes.io/managed-by: Helm";
    }

    /// <summary>Go's %q, as Sprig's quote uses it.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    [GeneratedRegex(@"\{\{`(?<raw>[^`]*)`\}\}|\{\{-?(?<expr>.*?)-?\}\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"^\s*\{\{- include ""kata-lifecycle-manager\.labels"" \. \| nindent ([0-9]+) \}\}\s*$")]
    private static partial Regex LabelsInclude();

    [GeneratedRegex(@"^(?:(?<int>int64) )?\.Values\.(?<path>[A-Za-z0-9.]+)(?: \| toString)?(?<quote> \| quote)?$")]
    private static partial Regex ValueExpression();
}
