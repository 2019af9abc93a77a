using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KataArgo.Chart.Tests;

/// <summary>The chart's Kubernetes objects are written as KubernetesClient writes them (<see cref="KubernetesJson"/>).</summary>
public sealed class KubernetesObjectsJsonTests
{
    public static TheoryData<string> Objects() => [.. ChartObjects().Select(o => o.Key)];

    [Theory]
    [MemberData(nameof(Objects))]
    public void Each_chart_object_is_written_as_KubernetesJson_writes_it(string name)
    {
        var kubernetesObject = ChartObjects()[name];

        var written = KubernetesObjectsJson.ToNode(kubernetesObject);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(kubernetesObject)), written), written.ToJsonString());
    }

    [Fact]
    public void Times_and_enums_are_written_with_KubernetesClients_converters()
    {
        var configMap = StepsConfigMap.Build("argo", new Dictionary<string, string>());
        configMap.Metadata.CreationTimestamp = new DateTime(2025, 1, 2, 3, 4, 5, 600, DateTimeKind.Utc);
        configMap.Metadata.DeletionTimestamp = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        var written = KubernetesObjectsJson.ToNode(configMap);

        Assert.Equal("2025-01-02T03:04:05.600000Z", (string?)written["metadata"]!["creationTimestamp"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(configMap)), written));
    }

    [Fact]
    public void A_type_the_chart_does_not_render_is_refused_rather_than_written_differently()
    {
        Assert.ThrowsAny<InvalidOperationException>(() => KubernetesObjectsJson.ToNode(new V1Pod()));
    }

    private static Dictionary<string, object> ChartObjects()
    {
        var target = new RbacTarget("argo", "kube-system", "default", "kata-deploy", "-gpu");
        var labels = ChartMetadata.Labels(ManifestRenderer.DefaultReleaseName);
        var objects = new Dictionary<string, object>
        {
            ["ServiceAccount"] = RbacManifests.ServiceAccount(target, labels),
            ["steps ConfigMap"] = StepsConfigMap.Build(target.WorkflowNamespace, labels),
        };
        foreach (var rbac in RbacManifests.Rbac(target, labels))
            objects[$"{rbac.Kind} {rbac.Metadata.Name}"] = rbac;
        return objects;
    }
}
