using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace Argo.Workflows.Client.Tests;

public class ArgoYamlTests
{
    [Fact]
    public void The_workflow_template_survives_yaml_to_model_to_yaml_unchanged()
    {
        var yaml = ArgoYaml.Serialize(LifecycleWorkflow.Build(new LifecycleOptions()));

        var model = ArgoYaml.Deserialize<WorkflowTemplate>(yaml);

        Assert.Equal(yaml, ArgoYaml.Serialize(model));
    }

    [Fact]
    public void Multi_line_strings_stay_readable_blocks()
    {
        var yaml = ArgoYaml.Serialize(new Template { Name = "s", Script = new ScriptTemplate { Image = "x:1", Source = "set -e\necho hi\n" } });

        Assert.Contains("source: |\n    set -e\n    echo hi\n", yaml, StringComparison.Ordinal);
        Assert.Equal("set -e\necho hi\n", ArgoYaml.Deserialize<Template>(yaml).Script!.Source);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("yes")]
    [InlineData("On")]
    [InlineData("n")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("3.25")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData(".5")]
    [InlineData("0x1F")]
    [InlineData("0o17")]
    [InlineData("1_000")]
    [InlineData("1:20")]
    [InlineData(".inf")]
    [InlineData(".NaN")]
    [InlineData("2026-11-23")]
    [InlineData("<<")]
    public void Strings_that_yaml_would_retype_are_quoted_and_read_back_as_strings(string text)
    {
        var yaml = ArgoYaml.Serialize(new JsonObject { ["value"] = text });

        Assert.StartsWith("value: \"", yaml, StringComparison.Ordinal);
        Assert.Equal(text, ArgoYaml.Load(yaml)!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("kata-deploy")]
    [InlineData("3.29.0")]
    [InlineData("v1")]
    [InlineData("300s")]
    public void Plain_strings_stay_plain(string text)
    {
        Assert.Equal($"value: {text}\n", ArgoYaml.Serialize(new JsonObject { ["value"] = text }));
    }

    [Fact]
    public void Typed_scalars_are_read_with_their_yaml_types()
    {
        var node = ArgoYaml.Load("a: 3\nb: true\nc: 2.5\nd: ~\ne: '3'\nf: \"true\"\ng: 1e3\n")!;

        Assert.Equal(JsonValueKind.Number, node["a"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, node["b"]!.GetValueKind());
        Assert.Equal(2.5, node["c"]!.GetValue<double>());
        Assert.Null(node["d"]);
        Assert.Equal("3", node["e"]!.GetValue<string>());
        Assert.Equal("true", node["f"]!.GetValue<string>());
        Assert.Equal(1000d, node["g"]!.GetValue<double>());
    }

    [Fact]
    public void Kubernetes_keys_come_first_and_nulls_are_omitted()
    {
        var template = new WorkflowTemplate
        {
            Spec = new WorkflowSpec { Entrypoint = "main" },
            Metadata = new ObjectMeta { Namespace = "argo", Name = "x" },
            Kind = "WorkflowTemplate",
            ApiVersion = "argoproj.io/v1alpha1",
        };

        Assert.Equal(
            "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: x\n  namespace: argo\nspec:\n  entrypoint: main\n",
            ArgoYaml.Serialize(template));
    }

    [Fact]
    public void IntOrString_fields_accept_the_numbers_the_server_sends()
    {
        var strategy = JsonSerializer.Deserialize<RetryStrategy>("""{"limit": 3, "backoff": {"factor": 2, "duration": "10s"}}""", ArgoJson.Options)!;

        Assert.Equal("3", strategy.Limit);
        Assert.Equal("2", strategy.Backoff!.Factor);
    }

    [Fact]
    public void Free_form_items_and_objects_survive_a_round_trip()
    {
        const string yaml = """
            name: loop
            template: work
            withItems:
            - a
            - 2
            - true
            - key: value
              nested:
                list:
                - 1
            """;

        var step = ArgoYaml.Deserialize<WorkflowStep>(yaml + "\n");

        Assert.Equal(
            ArgoYaml.Serialize(ArgoYaml.Load(yaml)),
            ArgoYaml.Serialize(step));
    }

    [Fact]
    public void Documents_are_read_with_the_line_of_each_field()
    {
        var documents = ArgoYaml.LoadAll("a: 1\n---\nkind: X\nspec:\n  list:\n  - name: first\n  - name: second\n");

        Assert.Equal(2, documents.Count);
        Assert.Equal(7, documents[1].LineOf("/spec/list/1/name"));
        Assert.Equal(5, documents[1].LineOf("/spec/list/missing"));
    }

    [Fact]
    public void Several_documents_are_written_with_separators()
    {
        var text = ArgoYaml.SerializeAll([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = 2 }]);

        Assert.Equal("a: 1\n---\nb: 2\n", text);
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        Assert.ThrowsAny<YamlDotNet.Core.YamlException>(() => ArgoYaml.Load("a: 1\na: 2\n"));
    }
}
