using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KataArgo.Lifecycle;

namespace Argo.Workflows.Client.Tests;

/// <summary>The compile-time metadata (ArgoJsonContext) writes what reflection over the models writes.</summary>
public class ArgoJsonContextTests
{
    private static readonly JsonSerializerOptions Reflection = ReflectionOptions();

    public static TheoryData<string> Kinds() => ["Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_Argo_kinds_are_served_by_the_compile_time_metadata(string kind)
    {
        var type = typeof(ArgoJson).Assembly.GetType("Argo.Workflows.Client." + kind)!;

        Assert.IsAssignableFrom<JsonSerializerContext>(ArgoJson.Options.GetTypeInfo(type).OriginatingResolver);
    }

    [Fact]
    public void The_lifecycle_template_is_written_as_reflection_writes_it()
    {
        var template = LifecycleWorkflow.Build(new LifecycleOptions { Labels = new Dictionary<string, string> { ["a"] = "b" } });

        Assert.Equal(JsonSerializer.Serialize(template, Reflection), JsonSerializer.Serialize(template, ArgoJson.Options));
    }

    [Fact]
    public void A_workflow_read_back_is_written_as_reflection_writes_it()
    {
        var workflow = ArgoYaml.Deserialize<Workflow>("""
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {generateName: x-, labels: {a: b}}
            spec:
              entrypoint: main
              arguments: {parameters: [{name: count, value: 3, enum: [1, "2"]}]}
              podDisruptionBudget: {minAvailable: 1}
              templates:
              - name: main
                activeDeadlineSeconds: 60
                retryStrategy: {limit: "3", backoff: {duration: 10s, factor: 2}}
                container:
                  image: alpine:3.20
                  resources: {limits: {cpu: 1.5, memory: 64Mi}}
                  ports: [{containerPort: 80}]
            status: {phase: Running, startedAt: "2025-01-02T03:04:05Z", progress: 1/2}
            """);

        Assert.Equal(JsonSerializer.Serialize(workflow, Reflection), JsonSerializer.Serialize(workflow, ArgoJson.Options));
    }

    /// <summary>ArgoJson's settings with reflection metadata (writing does not depend on the AnyString converters: they write strings as they are).</summary>
    private static JsonSerializerOptions ReflectionOptions()
    {
        var options = new JsonSerializerOptions();
        ArgoJson.Configure(options);
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
