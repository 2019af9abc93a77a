using System.Text.Json;
using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Testing;

namespace Argo.Workflows.Client.Tests;

/// <summary>
/// The generated writers (<see cref="ArgoJsonWriter"/>) make the JSON, and so the YAML, that
/// writing through <see cref="ArgoJson.Options"/>' metadata makes, for the real models: the
/// lifecycle template, what <c>kata-argo template</c> prints, and the Argo kinds of the lint corpus.
/// </summary>
public class ArgoJsonWriterTests
{
    private static readonly Dictionary<string, System.Type> Kinds = new()
    {
        ["Workflow"] = typeof(Workflow),
        ["WorkflowTemplate"] = typeof(WorkflowTemplate),
        ["ClusterWorkflowTemplate"] = typeof(ClusterWorkflowTemplate),
        ["CronWorkflow"] = typeof(CronWorkflow),
    };

    public static TheoryData<string> Documents()
    {
        var files = Directory.GetFiles(Repo.Path("tests", "KataArgo.Lint.Tests", "corpus"), "*.yaml")
            .Concat(Directory.GetFiles(Repo.Path("snapshots", "template"), "*.yaml"));
        return new(files.Select(f => Path.GetRelativePath(Repo.Root, f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_lifecycle_template_is_written_as_the_metadata_writes_it()
    {
        var template = LifecycleWorkflow.Build(new LifecycleOptions
        {
            Namespace = "ops",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "x" },
            ActiveDeadlineSeconds = 7200,
            ParameterDefaults = new Dictionary<string, string> { ["drain-timeout"] = "5m" },
        });

        AssertSameJson(template);
        AssertSameJson(LifecycleWorkflow.Build(new LifecycleOptions()));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_Argo_kind_of_a_file_is_written_as_the_metadata_writes_it(string file)
    {
        var read = 0;
        foreach (var document in ArgoYaml.LoadAll(File.ReadAllText(Repo.Path(file))))
        {
            if (document.Root?["kind"]?.GetValue<string>() is not { } kind || !Kinds.TryGetValue(kind, out var type))
                continue;
            AssertSameJson(document.Root.Deserialize(type, ArgoJson.Options)!);
            read++;
        }

        Assert.True(read > 0, $"{file} has no Argo kind");
    }

    [Fact]
    public void Values_of_free_form_fields_are_written_as_the_metadata_writes_them()
    {
        var workflow = ArgoYaml.Deserialize<Workflow>("""
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {generateName: "x-<y>&z+"}
            spec:
              entrypoint: main
              templates:
              - name: main
                steps:
                - - name: each
                    template: plugin
                    withItems: [1, 2.5, "a<b", true, null, {k: v, m: [1, "2"]}, [x]]
              - name: plugin
                plugin: {hello: {text: "{{item}}", count: 3, flags: [true, false]}}
            status: {phase: Running, startedAt: "2025-01-02T03:04:05Z"}
            """);

        var written = AssertSameJson(workflow);
        Assert.Equal("""[1,2.5,"a<b",true,null,{"k":"v","m":[1,"2"]},["x"]]""",
            written["spec"]!["templates"]![0]!["steps"]![0]![0]!["withItems"]!.ToJsonString(Unescaped));
    }

    [Fact]
    public void Built_values_of_free_form_fields_are_written_as_the_metadata_writes_them()
    {
        var workflow = new Workflow
        {
            Metadata = new ObjectMeta { Name = "x" },
            Spec = new WorkflowSpec
            {
                Templates =
                [
                    new Template
                    {
                        Name = "main",
                        Steps = [[new WorkflowStep { Name = "s", WithItems = ["a", 1, 2L, 2.5, 1.5m, true, JsonNode.Parse("""{"k":[1]}""")!,
                            new List<object> { "b" }, new Dictionary<string, object> { ["c"] = 3 }] }]],
                    },
                ],
            },
        };
        AssertSameJson(workflow);

        // A value of a type the generated writers do not list goes through the metadata.
        workflow.Spec.Templates[0].Steps![0][0].WithItems = [new SortedDictionary<string, Uri> { ["u"] = new("https://example.com/a b") }];
        Assert.Equal("""[{"u":"https://example.com/a b"}]""",
            AssertSameJson(workflow)["spec"]!["templates"]![0]!["steps"]![0]![0]!["withItems"]!.ToJsonString(Unescaped));
    }

    [Fact]
    public void Other_values_are_written_through_the_metadata()
    {
        var parameter = new Parameter { Name = "n", Value = "<3>", Enum = ["1", "2"] };

        Assert.Equal("""{"enum":["1","2"],"name":"n","value":"<3>"}""", ArgoJsonWriter.ToNode(parameter)!.ToJsonString(Unescaped));
        AssertSameJson(parameter);
        Assert.Null(ArgoJsonWriter.ToNode(null));
    }

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonNode AssertSameJson(object model)
    {
        var expected = JsonSerializer.SerializeToNode(model, model.GetType(), ArgoJson.Options)!;
        var written = ArgoJsonWriter.ToNode(model)!;
        Assert.Equal(expected.ToJsonString(Unescaped), written.ToJsonString(Unescaped));
        Assert.Equal(ArgoYaml.Serialize(expected), ArgoYaml.Serialize(written));
        return written;
    }
}
