namespace KataArgo.Lint.Tests;

public class ManifestLinterTests
{
    private const string Valid = """
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata:
          name: sample
        spec:
          entrypoint: main
          onExit: exit
          arguments:
            parameters:
            - name: target
              value: "1"
          templates:
          - name: main
            steps:
            - - name: produce
                template: produce
            - - name: consume
                template: consume
                arguments:
                  parameters:
                  - name: value
                    value: "{{steps.produce.outputs.parameters.out}}"
                when: "{{workflow.parameters.target}} == 1"
            - - name: loop
                template: consume
                arguments:
                  parameters:
                  - name: value
                    value: "{{item}}"
                withParam: "{{steps.produce.outputs.result}}"
          - name: produce
            outputs:
              parameters:
              - name: out
                globalName: out
                valueFrom:
                  path: /tmp/out
            script:
              image: alpine:3.20
              command: [sh]
              source: echo '["a"]'
          - name: consume
            inputs:
              parameters:
              - name: value
            container:
              image: alpine:3.20
              args: ["{{inputs.parameters.value}}", "{{workflow.outputs.parameters.out}}"]
          - name: exit
            container:
              image: alpine:3.20
              args: ["{{workflow.status}}"]

        """;

    [Fact]
    public void A_valid_template_has_no_finding() => Assert.Empty(Lint(Valid));

    [Theory]
    [InlineData("  onExit: exit\n", "  onExit: exit\n  failfast: true\n", "sample.yaml:8: unknown field 'spec.failfast': the schema does not declare it and Argo would drop it (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("  onExit: exit\n", "  onExit: exit\n  synchronization:\n    mutex:\n      name: one\n", "sample.yaml:9: unknown field 'spec.synchronization.mutex': the schema does not declare it and Argo would drop it (Argo v4.1.2 schema)")]
    [InlineData("  onExit: exit\n", "  onExit: exit\n  podResources: {}\n", "sample.yaml:8: unknown field 'spec.podResources': the schema does not declare it and Argo would drop it (Argo v3.7.18 schema)")]
    [InlineData("  onExit: exit\n", "  onExit: exit\n  parallelism: one\n", "sample.yaml:8: 'spec.parallelism' must be an integer (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("  - name: produce\n    outputs:", "  - name: produce\n    retryStrategy:\n      limit: 2.5\n    outputs:", "sample.yaml:33: 'spec.templates[1].retryStrategy.limit' must be a whole number or a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("  - name: produce\n    outputs:", "  - name: produce\n    retryStrategy:\n      limit: [3]\n    outputs:", "sample.yaml:33: 'spec.templates[1].retryStrategy.limit' must be a whole number or a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("  - name: produce\n    outputs:", "  - name: produce\n    activeDeadlineSeconds: 1.5\n    outputs:", "sample.yaml:32: 'spec.templates[1].activeDeadlineSeconds' must be a whole number or a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      value: \"1\"", "      value: {a: 1}", "sample.yaml:11: 'spec.arguments.parameters[0].value' must be a string, number or boolean (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      image: alpine:3.20\n      command: [sh]", "      image: 3.20\n      command: [sh]", "sample.yaml:39: 'spec.templates[1].script.image' must be a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      command: [sh]", "      command: [sh, ~, 3]", "sample.yaml:40: 'spec.templates[1].script.command[2]' must be a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("apiVersion: argoproj.io/v1alpha1", "apiVersion: argoproj.io/v1", "sample.yaml:1: 'apiVersion' must be argoproj.io/v1alpha1 (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("  - name: produce\n    outputs:", "  - name: produce\n    retryStrategy:\n      limit: 3000000000\n    outputs:", "sample.yaml:33: 'spec.templates[1].retryStrategy.limit' must be a whole number or a string (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      value: \"1\"", "      value: \"1\"\n      enum: {a: 1}", "sample.yaml:12: 'spec.arguments.parameters[0].enum' must be a list (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      value: \"1\"", "      value: \"1\"\n      enum: [1, true, {a: 1}]", "sample.yaml:12: 'spec.arguments.parameters[0].enum[2]' must be a string, number or boolean (Argo v4.1.2 and v3.7.18 schema)")]
    [InlineData("      image: alpine:3.20\n      args:", "      image: alpine:3.20\n      restartPolicy: Always\n      restartPolicyRules: [{action: Restart, exitCodes: {operator: In, values: [3000000000]}}]\n      args:", "sample.yaml:49: 'spec.templates[2].container.restartPolicyRules[0].exitCodes.values[0]' is out of range for a 32-bit integer (Argo v4.1.2 schema)")]
    [InlineData("  name: sample\n", "  name: sample\n  creationTimestamp: yesterday\n", "sample.yaml:5: 'metadata.creationTimestamp' must be a date and time such as 2006-01-02T15:04:05Z (RFC 3339) (Argo v4.1.2 and v3.7.18 schema)")]
    public void Schema_problems_name_the_field_the_line_and_the_argo_versions(string find, string replace, string expected)
    {
        var text = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, text);

        Assert.Contains(expected, Lint(text));
    }

    [Theory]
    [InlineData("entrypoint: main", "entrypoint: mian", "entrypoint refers to template 'mian', which does not exist")]
    [InlineData("onExit: exit", "onExit: exitt", "onExit refers to template 'exitt', which does not exist")]
    [InlineData("        template: consume\n        arguments:", "        template: consum\n        arguments:", "step refers to template 'consum', which does not exist")]
    [InlineData("{{steps.produce.outputs.parameters.out}}", "{{steps.produce.outputs.parameters.output}}", "step 'produce' (template 'produce') has no output parameter 'output'")]
    [InlineData("{{steps.produce.outputs.parameters.out}}", "{{steps.consume.outputs.parameters.out}}", "no earlier step named 'consume' in template 'main'")]
    [InlineData("{{inputs.parameters.value}}", "{{inputs.parameters.values}}", "template 'consume' has no input parameter 'values'")]
    [InlineData("{{workflow.parameters.target}}", "{{workflow.parameters.targets}}", "warning: {{workflow.parameters.targets}}: 'targets' is not declared in spec.arguments.parameters; the Workflow that uses this template must supply it")]
    [InlineData("{{workflow.outputs.parameters.out}}", "{{workflow.outputs.parameters.in}}", "no template exports a global output parameter named 'in' (outputs.parameters[].globalName)")]
    [InlineData("{{workflow.status}}", "{{workflow.state}}", "unknown workflow variable")]
    [InlineData("{{workflow.status}}", "{{item}}", "{{item}} is only defined in a step or task with withItems")]
    [InlineData("{{workflow.status}}", "{{steps.produce.outputs.result}}", "steps.* is only defined in a steps template: in a later step, in a step's hooks, or in the template's outputs")]
    [InlineData("== 1\"", "== prod-eu\"", "'-' needs numbers, but 'prod - eu' has a string (govaluate reads unquoted text as an expression); quote text, e.g. 'prod-eu'")]
    [InlineData("== 1\"", "== v1.2\"", "bare word 'v1.2' contains a dot, so govaluate reads it as a parameter accessor")]
    [InlineData("== 1\"", "== (1\"", "a '(' is not closed")]
    [InlineData("          - name: value\n            value: \"{{item}}\"", "          - name: valeu\n            value: \"{{item}}\"", "warning: template 'consume' has no input parameter 'valeu'; Argo ignores this argument")]
    [InlineData("          - name: value\n            value: \"{{item}}\"", "          - name: other\n            value: \"{{item}}\"", "step 'loop' does not pass input 'value' required by template 'consume'")]
    public void References_a_schema_cannot_check_are_resolved(string find, string replace, string expected)
    {
        var text = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, text);

        Assert.Contains(Lint(text), f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{{input.parameters.value}}", "warning: {{input.parameters.value}}: not an Argo variable; Argo leaves {{input.parameters.value}} as written")]
    [InlineData("{{status}}", "warning: {{status}}: 'status' is defined only in metrics; elsewhere Argo leaves {{status}} as written")]
    [InlineData("{{steps.produce.ip}}", "{{steps.produce.ip}}: steps.* is only defined in a steps template")]
    [InlineData("{{inputs.artifacts.data.path}}", "template 'consume' has no input artifact 'data'")]
    public void Names_argo_does_not_know_are_reported(string variable, string expected)
    {
        var text = Valid.Replace("\"{{workflow.outputs.parameters.out}}\"]", $"\"{variable}\"]");
        Assert.NotEqual(Valid, text);

        Assert.Contains(Lint(text), f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{{ .metadata.name }}")]
    [InlineData("{{ range .items }}")]
    [InlineData("{{=sprig.upper(inputs.parameters.value)}}")]
    [InlineData("{{ inputs.parameters.value }}")]
    public void Other_templating_and_expressions_are_left_alone(string text) =>
        Assert.Empty(Lint(Valid.Replace("\"{{workflow.outputs.parameters.out}}\"]", $"\"{text}\"]")));

    [Theory]
    [InlineData("    container:\n      image: alpine:3.20\n      args:", "    nodeSelector:\n    tolerations: ~\n    container:\n      image: alpine:3.20\n      args:")]
    [InlineData("      image: alpine:3.20\n      args:", "      image: alpine:3.20\n      resources: {limits: {cpu: 1, memory: 1.5e9}, requests: {cpu: 0.5}}\n      args:")]
    public void Nulls_are_absent_fields_and_quantities_take_numbers(string find, string replace)
    {
        var text = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, text);

        Assert.Empty(Lint(text));
    }

    /// <summary>Once, without the fields it would require, and without tripping the reference checks.</summary>
    [Theory]
    [InlineData("    - name: target\n      value: \"1\"", "    - target", "sample.yaml:10: 'spec.arguments.parameters[0]' must be a mapping")]
    [InlineData("    inputs:\n      parameters:\n      - name: value\n", "    inputs: value\n", "sample.yaml:43: 'spec.templates[2].inputs' must be a mapping")]
    [InlineData("        arguments:\n          parameters:\n          - name: value\n            value: \"{{item}}\"", "        arguments: [value]", "sample.yaml:26: 'spec.templates[0].steps[2][0].arguments' must be a mapping")]
    [InlineData("      parameters:\n      - name: out\n        globalName: out\n        valueFrom:\n          path: /tmp/out\n", "      parameters: [1]\n", "sample.yaml:33: 'spec.templates[1].outputs.parameters[0]' must be a mapping")]
    public void A_value_that_is_not_a_mapping_is_one_problem(string find, string replace, string expected)
    {
        var text = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, text);

        Assert.Equal([expected + " (Argo v4.1.2 and v3.7.18 schema)"], Lint(text).Where(f => f.EndsWith(" schema)", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("2024-01-31T12:00:00Z")]
    [InlineData("2024-01-31T12:00:00.123456789+02:00")]
    [InlineData("2024-01-31T1:00:00,5-07:00")]
    [InlineData("2024-02-29T23:59:59+24:00")]
    public void Timestamps_go_reads_as_rfc3339_are_accepted(string timestamp) => Assert.Empty(Lint(WithCreationTimestamp(timestamp)));

    /// <summary>Go's time.Parse(time.RFC3339) refuses each; a general date-time reading would not.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("2024")]
    [InlineData("2024-01-31")]
    [InlineData("2024-01-31T12:00:00")]
    [InlineData("2024-01-31 12:00:00Z")]
    [InlineData("2024-01-31t12:00:00z")]
    [InlineData("2024-01-31T12:00Z")]
    [InlineData("2023-02-29T12:00:00Z")]
    [InlineData("2024-01-31T24:00:00Z")]
    [InlineData("2024-01-31T12:00:60Z")]
    [InlineData("2024-01-31T12:00:00+0200")]
    [InlineData("2024-01-31T12:00:00+25:00")]
    [InlineData("2024-01-31T12:00:00.Z")]
    [InlineData("24-01-31T12:00:00Z")]
    public void Timestamps_go_cannot_read_as_rfc3339_are_problems(string timestamp) =>
        Assert.Equal(["sample.yaml:5: 'metadata.creationTimestamp' must be a date and time such as 2006-01-02T15:04:05Z (RFC 3339) (Argo v4.1.2 and v3.7.18 schema)"],
            Lint(WithCreationTimestamp(timestamp)));

    private static string WithCreationTimestamp(string timestamp)
    {
        var text = Valid.Replace("  name: sample\n", $"  name: sample\n  creationTimestamp: \"{timestamp}\"\n");
        Assert.NotEqual(Valid, text);
        return text;
    }

    [Fact]
    public void Base64_bytes_may_span_lines_as_go_decodes_them()
    {
        var text = Valid.Replace("  - name: exit\n    container:\n      image: alpine:3.20\n      args: [\"{{workflow.status}}\"]",
            "  - name: exit\n    http:\n      url: https://example.com\n      bodyFrom:\n        bytes: |\n          aGVs\n          bG8=");
        Assert.NotEqual(Valid, text);

        Assert.Empty(Lint(text));
    }

    [Fact]
    public void Recursive_templates_are_reported_as_a_warning()
    {
        var text = Valid.Replace("  - name: exit\n    container:", "  - name: exit\n    steps:\n    - - name: again\n        template: exit\n    container:");

        Assert.Contains(Lint(text), f => f.Contains("warning: templates call each other recursively (exit -> exit)"));
    }

    [Fact]
    public void Dag_tasks_are_checked_too()
    {
        const string dag = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata:
              generateName: dag-
            spec:
              entrypoint: main
              templates:
              - name: main
                dag:
                  tasks:
                  - name: a
                    template: leaf
                  - name: b
                    template: leaf
                    dependencies: [a, c]
                    arguments:
                      parameters:
                      - name: x
                        value: "{{tasks.a.outputs.parameters.nope}}"
              - name: leaf
                inputs:
                  parameters:
                  - name: x
                    value: default
                container:
                  image: alpine:3.20

            """;

        var findings = ManifestLinter.Lint("dag.yaml", dag).Select(f => f.ToString()).ToList();

        Assert.Contains(findings, f => f.Contains("task depends on 'c', which is not a task of this DAG"));
        Assert.Contains(findings, f => f.Contains("task 'a' (template 'leaf') has no output parameter 'nope'"));
    }

    [Fact]
    public void Invalid_yaml_and_files_without_argo_objects_are_reported()
    {
        Assert.Equal(["sample.yaml:1: not valid YAML at column 4: '[' is not closed: no matching ']' follows"], Lint("a: [\n"));
        Assert.Equal(["sample.yaml:1: warning: no Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow found"], Lint("kind: ConfigMap\n"));
    }

    private static List<string> Lint(string yaml) => ManifestLinter.Lint("sample.yaml", yaml).Select(f => f.ToString()).ToList();
}
