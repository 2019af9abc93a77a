using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Chart;

/// <summary>
/// The plain manifests `helm template` would render for given values (ServiceAccount, RBAC, the
/// steps ConfigMap, WorkflowTemplate), for GitOps and kubectl users without Helm: the same objects,
/// in the same order and under the same <c># Source:</c> headers (see <see cref="HelmManifestOrder"/>).
/// </summary>
public static class ManifestRenderer
{
    public const string DefaultReleaseName = ChartMetadata.Name;

    /// <param name="values">Validated values (see <see cref="ChartValuesLoader"/>).</param>
    public static string Render(JsonObject values, string releaseName = DefaultReleaseName)
    {
        var labels = ChartMetadata.Labels(releaseName);
        var target = new RbacTarget(
            Text(values, "argoNamespace"),
            Text(values, "defaults.helmNamespace"),
            Text(values, "defaults.verificationNamespace"),
            Text(values, "defaults.helmRelease"),
            SuffixOf(Text(values, ChartValues.KataDeploySuffixPath)));
        var workflow = ArgoJsonWriter.ToNode(LifecycleWorkflow.Build(LifecycleOptionsFrom(values, labels)));
        return HelmManifestOrder.Stream(ChartMetadata.Name,
        [
            Manifest(ChartMetadata.Templates.ServiceAccount, ToNode(RbacManifests.ServiceAccount(target, labels))),
            .. RbacManifests.Rbac(target, labels).Select(o => Manifest(ChartMetadata.Templates.Rbac, ToNode(o))),
            Manifest(ChartMetadata.Templates.StepsConfigMap, ToNode(StepsConfigMap.Build(target.WorkflowNamespace, labels))),
            Manifest(ChartMetadata.Templates.WorkflowTemplate, workflow!),
        ]);
    }

    private static RenderedManifest Manifest(string templatePath, JsonNode node) =>
        new(templatePath, node["kind"]!.GetValue<string>(), ArgoYaml.Serialize(node));

    public static LifecycleOptions LifecycleOptionsFrom(JsonObject values, IReadOnlyDictionary<string, string> labels) => new()
    {
        Namespace = Text(values, "argoNamespace"),
        Labels = labels,
        ActiveDeadlineSeconds = WholeNumber(ChartValues.Lookup(values, ChartValues.Get(ChartValues.ActiveDeadlinePath))!),
        ParameterDefaults = ChartValues.All
            .Where(v => v.Parameter is not null)
            .ToDictionary(v => v.Parameter!.Name, v => v.ToParameterValue(ChartValues.Lookup(values, v))),
    };

    /// <summary>kata-deploy names its objects NAME-SUFFIX when env.multiInstallSuffix is set.</summary>
    public static string SuffixOf(string multiInstallSuffix) => multiInstallSuffix.Length == 0 ? "" : "-" + multiInstallSuffix;

    /// <summary>
    /// A validated whole number, however it was typed: YAML and JSON files give Int32 or
    /// JsonElement numbers, Helm-style --set gives Int64 (the schema has bounded it already).
    /// </summary>
    private static int WholeNumber(JsonNode node) => checked((int)decimal.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));

    private static string Text(JsonObject values, string path) => ChartValues.Lookup(values, path)?.GetValue<string>() ?? "";

    private static JsonNode ToNode(object kubernetesObject) => KubernetesObjectsJson.ToNode(kubernetesObject);
}
