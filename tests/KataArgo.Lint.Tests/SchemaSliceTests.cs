using System.Text.Json;
using System.Text.Json.Nodes;
using KataArgo.Testing;

namespace KataArgo.Lint.Tests;

/// <summary>The part of Argo's schema NJsonSchema compiles for a document (<see cref="SchemaSlice"/>), cut from the real schema.</summary>
public class SchemaSliceTests
{
    private const string Workflow = "io.argoproj.workflow.v1alpha1.Workflow";

    private static readonly HashSet<string> Names = ["apiVersion", "kind", "metadata", "name", "spec", "entrypoint", "templates", "container", "image", "retryStrategy", "limit", "inputs", "parameters", "enum"];

    [Fact]
    public void Only_definitions_reached_through_names_the_document_uses_are_kept()
    {
        var definitions = Cut("v4.1.2")["definitions"]!.AsObject();

        Assert.Contains("io.argoproj.workflow.v1alpha1.Template", definitions.Select(d => d.Key));
        Assert.Contains("io.k8s.api.core.v1.Container", definitions.Select(d => d.Key));
        Assert.DoesNotContain("io.k8s.api.core.v1.Affinity", definitions.Select(d => d.Key));
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], definitions[Workflow]!["properties"]!.AsObject().Select(p => p.Key).Order());
        Assert.True(definitions.Count < 30, $"{definitions.Count} definitions");
    }

    [Fact]
    public void The_slice_keeps_required_lists_whole_closes_objects_and_writes_const_as_enum()
    {
        var definitions = Cut("v3.7.18")["definitions"]!;

        Assert.Equal("""["metadata","spec"]""", definitions[Workflow]!["required"]!.ToJsonString());
        Assert.False(definitions[Workflow]!["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("""["Workflow"]""", definitions[Workflow]!["properties"]!["kind"]!["enum"]!.ToJsonString());
        Assert.Null(definitions[Workflow]!["description"]);
        Assert.Null(definitions[Workflow]!["x-kubernetes-group-version-kind"]);
    }

    [Fact]
    public void Argo_readings_replace_int_or_string_and_the_parameter_fields()
    {
        var definitions = Cut("v4.1.2")["definitions"]!;
        var parameter = definitions["io.argoproj.workflow.v1alpha1.Parameter"]!["properties"]!;

        Assert.Equal("""["integer","string"]""", definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]!["type"]!.ToJsonString());
        Assert.Equal("""["string","number","boolean"]""", parameter["enum"]!["items"]!["type"]!.ToJsonString());
        // The property named "description" is a field of Parameter, not an annotation.
        Assert.Equal("""["string","number","boolean"]""", ((JsonObject)Cut("v4.1.2", [.. Names, "description"])["definitions"]!["io.argoproj.workflow.v1alpha1.Parameter"]!["properties"]!)["description"]!["type"]!.ToJsonString());
    }

    [Fact]
    public void A_later_document_naming_more_fields_is_checked_against_them()
    {
        const string first = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: a-}\nspec:\n  entrypoint: main\n  templates: [{name: main, container: {image: alpine:3.20}}]\n";
        var later = first.Replace("  entrypoint: main\n", "  entrypoint: main\n  dnsConfig: {options: [{name: ndots, value: '2'}]}\n", StringComparison.Ordinal);
        var misspelt = later.Replace("options: [{name: ndots", "options: [{nmae: ndots", StringComparison.Ordinal);

        Assert.Empty(ManifestLinter.Lint("first.yaml", first));
        Assert.Empty(ManifestLinter.Lint("later.yaml", later));
        Assert.Contains("misspelt.yaml:6: unknown field 'spec.dnsConfig.options[0].nmae': the schema does not declare it and Argo would drop it (Argo v4.1.2 and v3.7.18 schema)",
            ManifestLinter.Lint("misspelt.yaml", misspelt).Select(f => f.ToString()));
    }

    private static JsonObject Cut(string release, HashSet<string>? names = null)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.ArgoShared, release, "schema.json")));
        // Serialized and parsed again: the slice must not point into the disposed document.
        return JsonNode.Parse(SchemaSlice.Cut(schema.RootElement.GetProperty("definitions"), Workflow, names ?? Names).ToJsonString())!.AsObject();
    }
}
