using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using Scriban;
using Scriban.Runtime;

namespace KataArgo.Chart;

/// <summary>
/// Renders the kata-lifecycle-manager chart: the typed WorkflowTemplate and RBAC with Helm value
/// bindings, and the Scriban templates under templates/chart for everything around them.
/// </summary>
public static class ChartRenderer
{
    /// <summary>Every file of the chart, by path relative to the chart directory, in a stable order.</summary>
    public static SortedDictionary<string, string> Render()
    {
        var model = new ScriptObject();
        model.Import(new
        {
            Chart = new { Name = ChartMetadata.Name, ChartMetadata.Version },
            DefaultImage = WorkflowParameters.DefaultImage,
            ValuesYaml = ValuesYaml.Render(),
            WorkflowTemplate = WorkflowTemplateYaml(),
            ServiceAccount = ServiceAccountYaml(),
            StepsConfigMap = StepsConfigMapYaml(),
            Rbac = RbacYaml(),
            Values = ChartValues.All.Select(v => new
            {
                v.Path,
                Default = ValuesYaml.Scalar(v.Default),
                v.Description,
                Parameter = v.Parameter?.Name,
            }),
            Parameters = WorkflowParameters.All.Select(p => new
            {
                p.Name,
                Default = p.Default,
                p.Description,
                Choices = p.Choices is { } c ? string.Join(", ", c) : "",
                Value = ChartValues.All.FirstOrDefault(v => v.Parameter == p)?.Path,
            }),
            PermissionsTable = PermissionsTable.Markdown(),
            Statuses = LifecycleKeys.Statuses,
            Keys = new
            {
                LifecycleKeys.Status,
                LifecycleKeys.CurrentVersion,
                LifecycleKeys.Run,
            },
            VerificationPodMessages = VerificationPodRules.HelmMessages(),
            VerificationPodRules = VerificationPodRules.Table(),
        });

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in ChartTemplates.All())
            files[path.EndsWith(".sbn", StringComparison.Ordinal) ? path[..^4] : path] =
                path.EndsWith(".sbn", StringComparison.Ordinal) ? ChartTemplates.Render(path, text, model) : text;
        files["values.schema.json"] = ValuesSchema.Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        return files;
    }

    private static string WorkflowTemplateYaml()
    {
        var options = ManifestRenderer.LifecycleOptionsFrom(ChartValues.Defaults(), labels: new Dictionary<string, string>());
        var node = ArgoJsonWriter.ToNode(LifecycleWorkflow.Build(options))!.AsObject();
        node["metadata"]!["namespace"] = HelmBindings.Token("argoNamespace");
        node["metadata"]!["labels"] = HelmBindings.LabelsToken;
        node["spec"]!["activeDeadlineSeconds"] = HelmBindings.Token(ChartValues.ActiveDeadlinePath);
        foreach (var argument in node["spec"]!["arguments"]!["parameters"]!.AsArray())
        {
            var bound = ChartValues.All.FirstOrDefault(v => v.Parameter?.Name == argument!["name"]!.GetValue<string>());
            if (bound is not null)
                argument!["value"] = HelmBindings.Token(bound.Path);
        }
        return Bind(ArgoYaml.Serialize(node), escapeArgo: true);
    }

    private static RbacTarget TokenTarget() => new(
        HelmBindings.Token("argoNamespace"),
        HelmBindings.Token("defaults.helmNamespace"),
        HelmBindings.Token("defaults.verificationNamespace"),
        HelmBindings.Token("defaults.helmRelease"),
        HelmBindings.Token(ChartValues.KataDeploySuffixPath));

    private static string ServiceAccountYaml() =>
        Bind(ArgoYaml.Serialize(WithLabelsToken(RbacManifests.ServiceAccount(TokenTarget(), new Dictionary<string, string>()))), escapeArgo: false);

    private static string StepsConfigMapYaml() =>
        Bind(ArgoYaml.Serialize(WithLabelsToken(StepsConfigMap.Build(HelmBindings.Token("argoNamespace"), new Dictionary<string, string>()))), escapeArgo: false);

    private static string RbacYaml() =>
        Bind(ArgoYaml.SerializeAll(RbacManifests.Rbac(TokenTarget(), new Dictionary<string, string>()).Select(WithLabelsToken)), escapeArgo: false);

    private static JsonNode WithLabelsToken(object kubernetesObject)
    {
        var node = KubernetesObjectsJson.ToNode(kubernetesObject);
        node["metadata"]!["labels"] = HelmBindings.LabelsToken;
        return node;
    }

    private static string Bind(string yaml, bool escapeArgo) =>
        HelmBindings.Bind(escapeArgo ? HelmBindings.EscapeArgoExpressions(yaml) : yaml, QuotedExpression, RawExpression);

    private static string QuotedExpression(string path) => path switch
    {
        ChartValues.ActiveDeadlinePath => "{{ int64 .Values.defaults.activeDeadlineSeconds }}",
        _ when ChartValues.All.FirstOrDefault(v => v.Path == path)?.HelmExpression is { } expression => expression,
        _ => $"{{{{ .Values.{path} | quote }}}}",
    };

    private static string RawExpression(string path) => path switch
    {
        ChartValues.KataDeploySuffixPath => "{{ include \"kata-lifecycle-manager.kataDeploySuffix\" . }}",
        _ => $"{{{{ .Values.{path} }}}}",
    };
}

/// <summary>The Scriban templates under templates/chart, embedded in this assembly.</summary>
internal static class ChartTemplates
{
    private const string ResourcePrefix = "chart/";

    public static IEnumerable<(string Path, string Text)> All()
    {
        var assembly = typeof(ChartTemplates).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return (name[ResourcePrefix.Length..].Replace('\\', '/'), reader.ReadToEnd().Replace("\r\n", "\n"));
        }
    }

    public static string Render(string path, string text, ScriptObject model)
    {
        var template = Scriban.Template.Parse(text, "templates/chart/" + path);
        if (template.HasErrors)
            throw new InvalidOperationException($"templates/chart/{path}: {string.Join("; ", template.Messages)}");
        // Without Scriban's builtin functions, which the templates do not use (an unknown name fails the
        // render): setting them up (a deep copy per context) was about 30 ms CPU of `render`'s start-up.
        var context = new TemplateContext(new ScriptObject()) { StrictVariables = true, LoopLimit = 10_000, NewLine = "\n" };
        context.PushGlobal(model);
        return template.Render(context);
    }
}
