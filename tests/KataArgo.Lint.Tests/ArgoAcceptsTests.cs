namespace KataArgo.Lint.Tests;

/// <summary>
/// Minimal workflows Argo accepts (issue 12, classes 1-11): lint reports no error for them.
/// Snippets are written without indentation; <see cref="Sample"/> places them.
/// </summary>
public class ArgoAcceptsTests
{
    [Fact]
    public void Class1_bare_words_in_when_are_strings_as_the_controller_quotes_them() =>
        AssertNoError(Sample.Steps("""
            - - name: a
                template: leaf
            - - name: b
                template: leaf
                when: "{{steps.a.status}} == Succeeded && {{workflow.status}} != Failed"
            """));

    [Theory]
    [InlineData("retryStrategy: {limit: 3, backoff: {duration: 10s, factor: 2}}")]
    [InlineData("activeDeadlineSeconds: 60")]
    public void Class2_int_or_string_template_fields_accept_numbers(string field) =>
        AssertNoError(Sample.Leaf(template: field));

    [Fact]
    public void Class2_int_or_string_workflow_fields_accept_numbers() =>
        AssertNoError(Sample.Leaf(spec: "podDisruptionBudget: {minAvailable: 1}"));

    [Fact]
    public void Class2_probe_ports_accept_numbers() =>
        AssertNoError(Sample.Leaf(container: """
            readinessProbe:
              httpGet: {path: /healthz, port: 80}
            livenessProbe:
              tcpSocket: {port: 8080}
            """));

    [Fact]
    public void Class3_multi_line_double_quoted_flow_scalar_closing_at_the_key_indent() =>
        AssertNoError(Sample.Leaf(container: """
            args: ["
              echo hi
            "]
            """));

    [Fact]
    public void Class4_metric_variables_resolve_in_prometheus_metrics() =>
        AssertNoError(Sample.Leaf(template: """
            metrics:
              prometheus:
              - name: result_counter
                help: Count of step results
                labels:
                - {key: status, value: "{{status}}"}
                - {key: code, value: "{{exitCode}}"}
                counter: {value: "1"}
              - name: duration_gauge
                help: Duration
                gauge: {realtime: false, value: "{{duration}}"}
              - name: cpu_gauge
                help: CPU
                gauge: {realtime: false, value: "{{resourcesDuration.cpu}}"}
            """));

    [Fact]
    public void Class5_step_task_and_workflow_wide_variables_resolve()
    {
        AssertNoError(Sample.Steps("""
            - - name: a
                template: echo
                arguments:
                  parameters:
                  - {name: text, value: "{{steps.name}} {{workflow.parameters.json}} {{workflow.outputs.artifacts.report}}"}
            """, templates: Sample.Echo + """
            - name: report
              outputs:
                artifacts:
                - {name: report, path: /tmp/report, globalName: report}
              container: {image: alpine:3.20}
            """, spec: "arguments: {parameters: [{name: p, value: x}]}"));
        AssertNoError(Sample.Dag("""
            - name: a
              template: echo
              arguments:
                parameters:
                - {name: text, value: "{{tasks.name}}"}
            """, templates: Sample.Echo));
    }

    [Fact]
    public void Class6_a_steps_template_outputs_may_read_its_steps() =>
        AssertNoError(Sample.Steps("""
            - - name: a
                template: leaf
            """, main: """
            outputs:
              parameters:
              - name: out
                valueFrom:
                  parameter: "{{steps.a.outputs.result}}"
            """));

    [Fact]
    public void Class7_a_steps_exit_hook_may_read_that_steps_outputs() =>
        AssertNoError(Sample.Steps("""
            - - name: a
                template: leaf
                hooks:
                  exit:
                    template: echo
                    arguments:
                      parameters:
                      - {name: text, value: "{{steps.a.outputs.result}} {{steps.a.status}}"}
            """, templates: Sample.Echo));

    [Theory]
    [InlineData("http: {url: 'https://example.com'}")]
    [InlineData("data: {source: {artifactPaths: {name: in, s3: {key: data}}}, transformation: [{expression: 'filter([\"a\"], {# == \"a\"})'}]}")]
    [InlineData("plugin: {hello: {text: hi}}")]
    public void Class8_http_data_and_plugin_templates_have_a_result(string body) =>
        AssertNoError(Sample.Steps("""
            - - name: a
                template: producer
            - - name: b
                template: echo
                arguments:
                  parameters:
                  - {name: text, value: "{{steps.a.outputs.result}}"}
            """, templates: Sample.Echo + "- name: producer\n  " + body + "\n"));

    [Fact]
    public void Class9_a_workflow_template_may_use_parameters_the_submitting_workflow_supplies() =>
        AssertNoError(Sample.Leaf(container: "args: [\"{{workflow.parameters.supplied-by-the-workflow}}\"]", kind: "WorkflowTemplate"));

    [Theory]
    [InlineData("podResources: {limits: {cpu: '1'}}")]
    [InlineData("synchronization: {mutex: {name: one}}")]
    public void Class10_fields_of_one_argo_version_are_not_errors_by_default(string spec) =>
        AssertNoError(Sample.Leaf(spec: spec));

    internal static void AssertNoError(string yaml)
    {
        var errors = ManifestLinter.Check("x.yaml", yaml, ArgoVersionRequirement.Any).Findings.Where(f => f.Severity == Severity.Error).Select(f => f.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n---\n" + yaml);
    }
}

/// <summary>Builds minimal Argo objects around unindented YAML snippets.</summary>
public static class Sample
{
    public const string Echo = """
        - name: echo
          inputs:
            parameters:
            - name: text
          container: {image: alpine:3.20, args: ["{{inputs.parameters.text}}"]}

        """;

    private const string LeafTemplates = """
        - name: leaf
          script: {image: alpine:3.20, command: [sh], source: echo hi}

        """;

    /// <summary>A Workflow (or <paramref name="kind"/>) whose entrypoint 'main' is a container template.</summary>
    public static string Leaf(string template = "", string container = "", string spec = "", string kind = "Workflow") =>
        Wrap("- name: main\n" + Indent(template, 2) + "  container:\n    image: alpine:3.20\n" + Indent(container, 4) + LeafTemplates, spec, kind);

    /// <summary>'main' is a steps template with these step groups (and <paramref name="main"/> fields).</summary>
    public static string Steps(string steps, string templates = "", string spec = "", string main = "") =>
        Wrap("- name: main\n" + Indent(main, 2) + "  steps:\n" + Indent(steps, 2) + LeafTemplates + templates, spec);

    /// <summary>'main' is a DAG template with these tasks.</summary>
    public static string Dag(string tasks, string templates = "") =>
        Wrap("- name: main\n  dag:\n    tasks:\n" + Indent(tasks, 4) + LeafTemplates + templates, "");

    public static string Wrap(string templates, string spec, string kind = "Workflow") =>
        $"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata:\n  " + (kind == "Workflow" ? "generateName: x-" : "name: x")
        + "\nspec:\n  entrypoint: main\n" + Indent(spec, 2) + "  templates:\n" + Indent(templates, 2);

    public static string Indent(string text, int spaces) => text.Length == 0 ? "" :
        string.Concat(text.TrimEnd('\n').Split('\n').Select(l => (l.Length > 0 ? new string(' ', spaces) : "") + l + "\n"));
}
