using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Testing;
using YamlDotNet.Core;

namespace Argo.Workflows.Client.Tests;

/// <summary>
/// ArgoYaml reads YAML as Kubernetes and Argo do (sigs.k8s.io/yaml over go-yaml v2). The expected
/// JSON was produced by go-yaml itself (Helm 4.1.4: <c>.Files.Get "in.yaml" | fromYaml | toJson</c>).
/// </summary>
public class YamlReadingTests
{
    [Theory]
    [InlineData("0755", "493")]
    [InlineData("0o17", "15")]
    [InlineData("-0o7", "-7")]
    [InlineData("0x1F", "31")]
    [InlineData("0XFF", "255")]
    [InlineData("0B11", "3")]
    [InlineData("-0b11", "-3")]
    [InlineData("1_000", "1000")]
    [InlineData("+12", "12")]
    [InlineData("-0", "0")]
    [InlineData("08", "8")]
    [InlineData("1e3", "1000")]
    [InlineData("0.5e+2", "50")]
    [InlineData(".5", "0.5")]
    [InlineData("3.", "3")]
    [InlineData("1.0", "1")]
    [InlineData("yes", "true")]
    [InlineData("On", "true")]
    [InlineData("n", "false")]
    [InlineData("~", "null")]
    [InlineData("2024-01-01", "\"2024-01-01\"")]
    [InlineData("1:20", "\"1:20\"")]
    [InlineData("\"0755\"", "\"0755\"")]
    [InlineData("!!str 0755", "\"0755\"")]
    [InlineData("!!str yes", "\"yes\"")]
    [InlineData("!!float 3", "3")]
    [InlineData("!!int \"0755\"", "493")]
    [InlineData("!!binary aGVsbG8=", "\"hello\"")]
    [InlineData("!custom 0755", "\"0755\"")]
    public void Scalars_are_read_as_go_yaml_v2_reads_them(string yaml, string json)
    {
        var value = ArgoYaml.Load($"v: {yaml}\n")!["v"];

        Assert.Equal(JsonNode.Parse(json)?.ToJsonString() ?? "null", value?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Integers_beyond_64_bits_become_floats_and_numbers_convert_to_any_dotnet_number()
    {
        var node = ArgoYaml.Load("big: 123456789012345678901234\nsmall: 3\n")!;

        Assert.Equal(1.2345678901234568E+23, node["big"]!.GetValue<double>());
        Assert.Equal(3, node["small"]!.GetValue<int>());
        Assert.Equal(3L, node["small"]!.GetValue<long>());
        Assert.Equal(3d, node["small"]!.GetValue<double>());
    }

    [Fact]
    public void Mapping_keys_are_resolved_like_values()
    {
        var node = ArgoYaml.Load("0755: octal\ny: bool\n1.5: float\nname: plain\n")!.AsObject();

        Assert.Equal(["493", "true", "1.5", "name"], node.Select(p => p.Key));
    }

    [Fact]
    public void A_key_written_twice_is_refused_even_when_spelt_differently()
    {
        var error = Assert.ThrowsAny<YamlException>(() => ArgoYaml.Load("yes: 1\ny: 2\n"));

        Assert.Contains("duplicate key 'true' (written 'y', which YAML 1.1 reads as true)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_keys_and_aliases_are_applied_in_go_yaml_order()
    {
        const string yaml = """
            base: &b {x: 1, z: 2}
            a:
              x: 10
              <<: *b
            c:
              <<: [*b, {w: 3, x: 7}]
              z: 20
            d: *b

            """;

        var node = ArgoYaml.Load(yaml)!;

        Assert.Equal("""{"x":1,"z":2}""", node["a"]!.ToJsonString());
        Assert.Equal("""{"w":3,"x":1,"z":20}""", node["c"]!.ToJsonString());
        Assert.Equal("""{"x":1,"z":2}""", node["d"]!.ToJsonString());
    }

    [Fact]
    public void Double_quoted_continuation_lines_may_sit_at_or_left_of_their_key()
    {
        const string yaml = """
            l:
            - name: "a
              b"
              x: "c
            d"
            args: ["
              echo hi
            "]
            after: 1

            """;

        var documents = ArgoYaml.LoadAll(yaml);

        Assert.Equal("""{"l":[{"name":"a b","x":"c d"}],"args":[" echo hi "],"after":1}""", documents[0].Root!.ToJsonString());
        Assert.Equal(9, documents[0].LineOf("/after"));
    }

    [Theory]
    [InlineData(".inf")]
    [InlineData("-.Inf")]
    [InlineData(".nan")]
    public void Values_json_cannot_hold_are_refused(string yaml) =>
        Assert.ThrowsAny<YamlException>(() => ArgoYaml.Load($"v: {yaml}\n"));

    [Fact]
    public void Argo_any_string_fields_read_numbers_and_booleans_as_argo_does()
    {
        var parameter = ArgoYaml.Deserialize<Parameter>("name: p\nvalue: 1e21\ndefault: true\nenum: [1, 2.5, on]\nvalueFrom: {default: 0755}\n");

        Assert.Equal(("1000000000000000000000", "true"), (parameter.Value, parameter.Default));
        Assert.Equal(["1", "2.5", "true"], parameter.Enum!);
        Assert.Equal("493", parameter.ValueFrom!.Default);
    }

    [Theory]
    [InlineData("name: main\ncontainer: {image: 3}\n", 2, "'container.image' cannot be read as part of a Template: expected a string, got the number 3")]
    [InlineData("name: main\nretryStrategy:\n  limit: 2.5\n", 3, "'retryStrategy.limit' cannot be read as part of a Template: 2.5 is not an int32: an int-or-string field takes a whole number or a string")]
    [InlineData("name: main\ncontainer:\n  image: x\n  imagePullPolicyy: Always\n", 4, "'container.imagePullPolicyy' is not a field of Container in the Argo v4.1.2 models; it would be dropped")]
    public void Values_the_models_cannot_hold_name_the_field_and_line(string yaml, int line, string message)
    {
        var error = Assert.ThrowsAny<YamlException>(() => ArgoYaml.Deserialize<Template>(yaml));

        Assert.Equal(message, error.Message);
        Assert.Equal(line, (int)error.Start.Line);
    }

    /// <summary>tests/cases/malformed-yaml.json, which every reader of the CLI also passes (tests/KataArgo.Cli.Tests).</summary>
    [Theory]
    [MemberData(nameof(MalformedYamlCases.Names), MemberType = typeof(MalformedYamlCases))]
    public void A_YAML_error_is_reported_where_the_author_must_look(string name)
    {
        var malformed = MalformedYamlCases.Named(name);

        var error = Assert.ThrowsAny<YamlException>(() => ArgoYaml.LoadAll(malformed.Text));

        Assert.Equal(malformed.Where, YamlErrorLocation.Describe(error));
    }

    [Fact]
    public void Int_or_string_and_quantity_keep_their_json_type_in_the_models()
    {
        var strategy = JsonSerializer.Deserialize<RetryStrategy>("""{"limit": 3, "backoff": {"factor": "2", "duration": "10s"}}""", ArgoJson.Options)!;
        var resources = JsonSerializer.Deserialize<ResourceRequirements>("""{"limits": {"cpu": 1.5, "memory": "64Mi"}}""", ArgoJson.Options)!;

        Assert.Equal((true, 3), (strategy.Limit!.IsInt, strategy.Limit.IntValue!.Value));
        Assert.Equal((false, "2"), (strategy.Backoff!.Factor!.IsInt, strategy.Backoff.Factor.StringValue));
        Assert.Equal("""{"limits":{"cpu":1.5,"memory":"64Mi"}}""", JsonSerializer.Serialize(resources, ArgoJson.Options));
        Assert.Equal("""{"limit":"3"}""", JsonSerializer.Serialize(new RetryStrategy { Limit = "3" }, ArgoJson.Options));
    }
}
