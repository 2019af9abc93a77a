using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using YamlDotNet.Core;

namespace Argo.Workflows.Client.Tests;

/// <summary>Issue 12, classes 12-14: reading a workflow into the typed models and writing it back keeps its meaning.</summary>
public class RoundTripMeaningTests
{
    private const string Workflow = """
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata:
          generateName: x-
        spec:
          entrypoint: main
          podDisruptionBudget:
            minAvailable: 1
          templates:
          - name: main
            activeDeadlineSeconds: 60
            retryStrategy:
              limit: 3
              backoff:
                duration: 10s
                factor: 2
            container:
              image: alpine:3.20
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: 80
              livenessProbe:
                tcpSocket:
                  port: http
              resources:
                limits:
                  cpu: 1
                  memory: 64Mi
            volumes:
            - name: scripts
              configMap:
                name: scripts
                defaultMode: 0755

        """;

    [Theory]
    [InlineData("/spec/podDisruptionBudget/minAvailable", "1")]
    [InlineData("/spec/templates/0/activeDeadlineSeconds", "60")]
    [InlineData("/spec/templates/0/retryStrategy/limit", "3")]
    [InlineData("/spec/templates/0/retryStrategy/backoff/factor", "2")]
    [InlineData("/spec/templates/0/container/readinessProbe/httpGet/port", "80")]
    [InlineData("/spec/templates/0/container/livenessProbe/tcpSocket/port", "\"http\"")]
    [InlineData("/spec/templates/0/container/resources/limits/cpu", "1")]
    [InlineData("/spec/templates/0/container/resources/limits/memory", "\"64Mi\"")]
    public void Class12_int_or_string_values_keep_their_json_type(string pointer, string json)
    {
        var written = ArgoYaml.Load(ArgoYaml.Serialize(ArgoYaml.Deserialize<Workflow>(Workflow)));

        Assert.Equal(json, At(written, pointer)!.ToJsonString());
    }

    [Theory]
    [InlineData("0755", 493)]
    [InlineData("0o755", 493)]
    [InlineData("0x1F", 31)]
    [InlineData("1_000", 1000)]
    [InlineData("+12", 12)]
    public void Class13_yaml_1_1_integers_are_read_as_kubernetes_reads_them(string text, long value)
    {
        Assert.Equal(value, ArgoYaml.Load($"mode: {text}\n")!["mode"]!.GetValue<long>());

        var written = ArgoYaml.Load(ArgoYaml.Serialize(ArgoYaml.Deserialize<Workflow>(Workflow)));
        Assert.Equal(493, At(written, "/spec/templates/0/volumes/0/configMap/defaultMode")!.GetValue<int>());
    }

    [Fact]
    public void Class14_fields_the_models_cannot_hold_are_an_error_naming_the_field_and_line()
    {
        var yaml = Workflow.Replace("  entrypoint: main\n", "  entrypoint: main\n  synchronization:\n    mutex:\n      name: one\n");

        var error = Assert.ThrowsAny<YamlException>(() => ArgoYaml.Deserialize<Workflow>(yaml));

        Assert.Equal(8, error.Start.Line);
        Assert.Contains("spec.synchronization.mutex", error.Message, StringComparison.Ordinal);
    }

    private static JsonNode? At(JsonNode? node, string pointer)
    {
        foreach (var part in pointer.Split('/').Skip(1))
            node = node is JsonArray array ? array[int.Parse(part)] : node?[part];
        return node;
    }
}
