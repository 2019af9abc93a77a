using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Testing;
using YamlDotNet.Core;

namespace KataArgo.Lint.Tests;

/// <summary>
/// The corpus (corpus/*.yaml): valid workflows in the styles people write, each saying in its
/// header which Argo versions accept it (<c># Valid for Argo: 4.1, 3.7</c>) and, when the v4.1.2
/// models cannot hold one of its fields, which (<c># Models: cannot hold FIELD</c>).
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> Files() =>
        [.. Directory.GetFiles(Repo.Path("tests", "KataArgo.Lint.Tests", "corpus"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Lint_finds_no_error_and_names_the_versions_the_file_is_valid_for(string file)
    {
        var (text, validFor, _) = Read(file);

        var report = ManifestLinter.Check(file, text, ArgoVersionRequirement.Any);

        Assert.Empty(report.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.ToString()));
        Assert.Equal(validFor, report.ValidFor.Select(v => v.Version));
        Assert.True(report.ArgoObjects > 0);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_typed_round_trip_keeps_every_value_or_refuses_the_file(string file)
    {
        var (text, _, cannotHold) = Read(file);
        var original = ArgoYaml.Load(text)!;

        if (cannotHold is not null)
        {
            var error = Assert.ThrowsAny<YamlException>(() => RoundTrip(text, original));
            Assert.Contains($"'{cannotHold}'", error.Message, StringComparison.Ordinal);
            return;
        }
        var written = RoundTrip(text, original);

        AssertSameData(ArgoReading(original), written, "");
    }

    /// <summary>YAML → the model of the object's kind → YAML → JSON.</summary>
    private static JsonNode? RoundTrip(string text, JsonNode original) => ArgoYaml.Load(original["kind"]!.ToString() switch
    {
        "Workflow" => ArgoYaml.Serialize(ArgoYaml.Deserialize<Workflow>(text)),
        "WorkflowTemplate" => ArgoYaml.Serialize(ArgoYaml.Deserialize<WorkflowTemplate>(text)),
        "ClusterWorkflowTemplate" => ArgoYaml.Serialize(ArgoYaml.Deserialize<ClusterWorkflowTemplate>(text)),
        "CronWorkflow" => ArgoYaml.Serialize(ArgoYaml.Deserialize<CronWorkflow>(text)),
        var kind => throw new InvalidOperationException($"no model for {kind}"),
    });

    /// <summary>
    /// The data as Argo holds it: a null is an absent field (Go's JSON decoder ignores it), and the
    /// AnyString fields of parameters (<see cref="AnyString.Members"/>) hold numbers and booleans as strings.
    /// </summary>
    private static JsonNode? ArgoReading(JsonNode? node, bool parameter = false)
    {
        switch (node)
        {
            case JsonObject map:
                var result = new JsonObject();
                foreach (var (key, value) in map)
                {
                    if (value is null)
                        continue;
                    result[key] = parameter && key is "value" or "default" or "description" or "enum" ? Stringify(value)
                        : parameter && key == "valueFrom" ? ValueFrom(value)
                        : ArgoReading(value, key == "parameters" && value is JsonArray);
                }
                return result;
            case JsonArray list:
                return new JsonArray([.. list.Select(item => ArgoReading(item, parameter))]);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? ValueFrom(JsonNode value)
    {
        var from = ArgoReading(value);
        if (from is JsonObject map && map["default"] is { } fallback)
            map["default"] = Stringify(fallback);
        return from;
    }

    private static JsonNode? Stringify(JsonNode? value) => value switch
    {
        JsonArray list => new JsonArray([.. list.Select(Stringify)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => value?.DeepClone(),
    };

    /// <summary>Same key sets, same strings, same numbers (by value), same booleans and nulls.</summary>
    private static void AssertSameData(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case JsonObject map:
                var other = Assert.IsType<JsonObject>(actual);
                Assert.True(map.Select(p => p.Key).Order().SequenceEqual(other.Select(p => p.Key).Order()),
                    $"{path}: keys {string.Join(",", map.Select(p => p.Key))} became {string.Join(",", other.Select(p => p.Key))}");
                foreach (var (key, value) in map)
                    AssertSameData(value, other[key], $"{path}/{key}");
                break;
            case JsonArray list:
                var otherList = Assert.IsType<JsonArray>(actual);
                Assert.True(list.Count == otherList.Count, $"{path}: {list.Count} items became {otherList.Count}");
                for (var i = 0; i < list.Count; i++)
                    AssertSameData(list[i], otherList[i], $"{path}/{i}");
                break;
            case null:
                Assert.True(actual is null, $"{path}: null became {actual?.ToJsonString()}");
                break;
            default:
                var kind = expected.GetValueKind();
                Assert.True(actual is not null && actual.GetValueKind() == kind, $"{path}: {expected.ToJsonString()} became {actual?.ToJsonString()}");
                if (kind == JsonValueKind.Number)
                    Assert.True(decimal.Parse(expected.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(actual!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
                        $"{path}: {expected.ToJsonString()} became {actual.ToJsonString()}");
                else
                    Assert.True(expected.ToJsonString() == actual!.ToJsonString(), $"{path}: {expected.ToJsonString()} became {actual.ToJsonString()}");
                break;
        }
    }

    private static (string Text, string[] ValidFor, string? CannotHold) Read(string file)
    {
        var text = File.ReadAllText(Repo.Path("tests", "KataArgo.Lint.Tests", "corpus", file));
        var header = text.Split('\n').TakeWhile(l => l.StartsWith('#')).ToList();
        var valid = header.Single(l => l.StartsWith("# Valid for Argo: ", StringComparison.Ordinal))["# Valid for Argo: ".Length..].Split(", ");
        var cannotHold = header.FirstOrDefault(l => l.StartsWith("# Models: cannot hold ", StringComparison.Ordinal))?["# Models: cannot hold ".Length..];
        return (text, valid, cannotHold);
    }
}
