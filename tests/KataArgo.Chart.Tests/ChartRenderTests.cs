using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Lint;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

public partial class ChartRenderTests
{
    [Fact]
    public void The_committed_chart_is_exactly_what_the_code_renders()
    {
        var rendered = ChartRenderer.Render();
        var drift = new List<string>();
        foreach (var (path, content) in rendered)
        {
            var file = Path.Combine(ChartFixture.CommittedChart, path);
            if (!File.Exists(file))
                drift.Add($"missing: {path}");
            else if (File.ReadAllText(file).Replace("\r\n", "\n") != content)
                drift.Add($"changed: {path}\n{Snapshot.Diff(File.ReadAllText(file), content, 5)}");
        }
        drift.AddRange(Directory.EnumerateFiles(ChartFixture.CommittedChart, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ChartFixture.CommittedChart, f).Replace('\\', '/'))
            .Where(f => !rendered.ContainsKey(f)).Select(f => $"extra: {f}"));

        Assert.True(drift.Count == 0, "charts/kata-lifecycle-manager drifted; run `kata-argo render`:\n" + string.Join("\n", drift));
    }

    [Theory]
    [InlineData("{{ string.upcase chart }}", "string")]
    [InlineData("{{ chart | array.size }}", "array")]
    [InlineData("{{ nothing }}", "nothing")]
    public void A_chart_template_naming_a_scriban_builtin_or_an_unknown_name_fails_the_render(string template, string name)
    {
        var model = new Scriban.Runtime.ScriptObject { ["chart"] = "kata" };

        var error = Assert.ThrowsAny<Exception>(() => ChartTemplates.Render("x.sbn", template, model));

        Assert.Contains($"`{name}` was not found", error.Message);
    }

    [Fact]
    public void The_chart_lints_clean_for_both_argo_versions()
    {
        Assert.Empty(ChartLinter.Lint(ChartFixture.CommittedChart).Select(f => f.ToString()));
    }

    [Fact]
    public void Every_manifest_template_prints_validates_against_both_schemas_and_its_references()
    {
        foreach (var values in new[] { ChartFixture.Values(), ChartFixture.Values(ChartFixture.CustomValues) })
        {
            var manifests = ManifestRenderer.Render(values);
            Assert.Empty(ManifestLinter.Lint("template.yaml", manifests).Select(f => f.ToString()));
            Assert.Equal(
                ["ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Role", "Role", "Role", "RoleBinding", "RoleBinding", "RoleBinding", "WorkflowTemplate"],
                ArgoYaml.LoadAll(manifests).Select(d => d.Root!["kind"]!.ToString()));
        }
    }

    [Theory]
    [InlineData("default", "")]
    [InlineData("custom", ChartFixture.CustomValues)]
    public void The_chart_renders_the_same_objects_as_the_template_command(string name, string valuesFile)
    {
        var overrides = new List<(string, string)> { ("pod.yaml", "defaults:\n  verificationPod: |\n" + Indent(Samples.CudaVerificationPod, "    ")) };
        if (valuesFile.Length > 0)
            overrides.Insert(0, ("custom.yaml", valuesFile));
        var findings = new List<Finding>();

        var fromChart = ChartLinter.Render(ChartFixture.CommittedChart, "kata-lifecycle-manager", findings, overrides)
            .SelectMany(r => ArgoYaml.LoadAll(r.Text)).Select(d => Canonical(d.Root)).Order().ToList();
        var fromTemplate = ArgoYaml.LoadAll(ManifestRenderer.Render(valuesFile.Length > 0 ? ChartFixture.Values(valuesFile) : ChartFixture.Values()))
            .Select(d => Canonical(d.Root)).Order().ToList();

        Assert.Empty(findings);
        Assert.Equal(fromTemplate, fromChart);
        Snapshot.Verify($"chart/rendered-{name}.yaml", string.Join("", ChartLinter.Render(ChartFixture.CommittedChart, "kata-lifecycle-manager", findings, overrides).Select(r => $"# Source: {r.File}\n{r.Text}")));
    }

    [Fact]
    public void The_workflow_template_fits_in_a_client_side_apply_annotation()
    {
        // kubectl apply keeps the object as JSON in one annotation, and all annotations share 256 KiB;
        // Argo also copies the template into every Workflow it runs.
        var workflow = ArgoYaml.LoadAll(ManifestRenderer.Render(ChartFixture.Values())).Single(d => d.Root!["kind"]!.ToString() == "WorkflowTemplate");

        Assert.InRange(workflow.Root!.ToJsonString().Length, 1, 256 * 1024 - 32 * 1024);
    }

    [Fact]
    public void Template_output_matches_its_golden_files()
    {
        Snapshot.Verify("template/default.yaml", ManifestRenderer.Render(ChartFixture.Values()));
        Snapshot.Verify("template/custom.yaml", ManifestRenderer.Render(ChartFixture.Values(ChartFixture.CustomValues)));
    }

    [Fact]
    public void Argo_expressions_are_escaped_for_helm_and_helm_expressions_are_only_where_values_flow_in()
    {
        var workflow = ChartRenderer.Render()["templates/workflowtemplate.yaml"];
        var helm = HelmExpression().Matches(workflow).Select(m => m.Value).Where(e => !e.StartsWith("{{`")).Distinct().ToList();

        Assert.DoesNotMatch(@"\{\{`[^`]*\{\{[^`]*`\}\}[^`]*`\}\}", workflow); // no double escaping
        foreach (var variable in ArgoVariables(Lifecycle.LifecycleWorkflow.Build(new Lifecycle.LifecycleOptions())))
            Assert.Contains("{{`{{" + variable + "}}`}}", workflow);
        Assert.All(helm, e => Assert.Matches(@"^\{\{-? (\.Values\.[A-Za-z.]+ \| (toString \| )?quote|int64 \.Values\.[A-Za-z.]+|include ""kata-lifecycle-manager\.(labels|verificationPod)"" \.( \| (quote|nindent 4))?) \}\}$", e));
        foreach (var value in ChartValues.All.Where(v => v.Parameter is not null))
            Assert.Contains($"    - name: {value.Parameter!.Name}\n      description: ", workflow);
        Assert.Contains("value: {{ .Values.defaults.helmRelease | quote }}", workflow);
        Assert.Contains("value: {{ include \"kata-lifecycle-manager.verificationPod\" . | quote }}", workflow);
        Assert.Contains("namespace: {{ .Values.argoNamespace | quote }}", workflow);
        Assert.Contains("activeDeadlineSeconds: {{ int64 .Values.defaults.activeDeadlineSeconds }}", workflow);
    }

    [Fact]
    public void The_verification_pod_is_checked_at_install_time_with_the_messages_of_the_rules_file()
    {
        var helpers = ChartRenderer.Render()["templates/_helpers.tpl"];
        var rules = Lifecycle.VerificationPodManifest.Rules;

        Assert.Contains(VerificationPodRules.HelmMessages(), helpers);
        foreach (var (id, _, _, _) in rules.Rules.Where(r => r.Only != Lifecycle.VerificationPodPlace.Parameter))
        {
            var message = rules.Template(Lifecycle.VerificationPodPlace.Value, id);
            Assert.Contains($"{id}: \"{(rules.ValuePlaceholder(id) is { } p ? message.Replace("{" + p + "}", "%s") : message)}\"", helpers);
        }
        Assert.DoesNotContain("not-base64", helpers);
    }

    [Fact]
    public void Values_yaml_holds_every_default_of_the_catalog()
    {
        var values = ArgoYaml.Load(File.ReadAllText(Path.Combine(ChartFixture.CommittedChart, "values.yaml")));

        Assert.True(JsonNode.DeepEquals(ChartValues.Defaults(), values), values?.ToJsonString());
    }

    /// <summary>JSON with object keys sorted, so key order (not meaningful) does not count.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static IEnumerable<string> ArgoVariables(WorkflowTemplate model) =>
        ArgoVariable().Matches(ArgoYaml.Serialize(model)).Select(m => m.Groups[1].Value).Distinct();

    private static string Indent(string text, string indent) =>
        string.Join("\n", text.TrimEnd('\n').Split('\n').Select(l => indent + l)) + "\n";

    [GeneratedRegex(@"\{\{.*?\}\}(?:`\}\})?")]
    private static partial Regex HelmExpression();

    [GeneratedRegex(@"\{\{(.*?)\}\}")]
    private static partial Regex ArgoVariable();
}
