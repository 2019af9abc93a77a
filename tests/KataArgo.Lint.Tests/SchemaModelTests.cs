using System.Text.Json;
using System.Text.Json.Nodes;
using KataArgo.Testing;
using NJsonSchema;

namespace KataArgo.Lint.Tests;

/// <summary>Slices of Argo's real schemas as NJsonSchema's schema objects (<see cref="SchemaModel"/>).</summary>
public class SchemaModelTests
{
    public static TheoryData<string, string> Kinds() => new()
    {
        { "v4.1.2", "Workflow" }, { "v4.1.2", "WorkflowTemplate" }, { "v4.1.2", "ClusterWorkflowTemplate" }, { "v4.1.2", "CronWorkflow" },
        { "v3.7.18", "Workflow" }, { "v3.7.18", "WorkflowTemplate" }, { "v3.7.18", "ClusterWorkflowTemplate" }, { "v3.7.18", "CronWorkflow" },
    };

    /// <summary>With every property name the schema has, the slice holds all a kind reaches: each keyword in it must be read.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_keyword_a_kind_reaches_is_read(string release, string kind)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.ArgoShared, release, "schema.json")));
        var definitions = schema.RootElement.GetProperty("definitions");
        var root = "io.argoproj.workflow.v1alpha1." + kind;
        var slice = JsonNode.Parse(SchemaSlice.Cut(definitions, root, PropertyNames(definitions)).ToJsonString())!.AsObject();

        var model = SchemaModel.Build(slice, root);

        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], model.Properties.Keys.Where(k => k != "status").Order());
        Assert.Equal(JsonObjectType.Object, model.Properties["spec"].ActualSchema.Type);
        Assert.False(model.AllowAdditionalProperties);
    }

    [Fact]
    public void A_reference_is_the_definition_itself_so_recursion_ends()
    {
        var slice = JsonNode.Parse("""{"definitions": {"A": {"type": "object", "properties": {"next": {"$ref": "#/definitions/A"}}, "required": ["next"]}}}""")!.AsObject();

        var model = SchemaModel.Build(slice, "A");

        Assert.Same(model, model.Properties["next"].ActualSchema);
        Assert.True(model.Properties["next"].IsRequired);
    }

    [Fact]
    public void A_keyword_lint_does_not_read_is_refused()
    {
        var slice = JsonNode.Parse("""{"definitions": {"A": {"type": "string", "pattern": "^a"}}}""")!.AsObject();

        var error = Assert.Throws<InvalidOperationException>(() => SchemaModel.Build(slice, "A"));
        Assert.Equal("the Argo schema uses 'pattern', which lint does not read", error.Message);
    }

    private static HashSet<string> PropertyNames(JsonElement definitions)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(definitions);
        return names;

        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                    Collect(item);
                return;
            }
            if (element.ValueKind != JsonValueKind.Object)
                return;
            foreach (var keyword in element.EnumerateObject())
            {
                if (keyword.Name == "properties")
                {
                    foreach (var property in keyword.Value.EnumerateObject())
                    {
                        names.Add(property.Name);
                        Collect(property.Value);
                    }
                }
                else
                    Collect(keyword.Value);
            }
        }
    }
}
