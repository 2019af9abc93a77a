using System.Reflection;

namespace KataArgo.Chart;

public static class ChartMetadata
{
    public const string Name = "kata-lifecycle-manager";
    public const string DefaultDirectory = "charts/kata-lifecycle-manager";

    /// <summary>The chart version is the tool's version (Directory.Build.props).</summary>
    public static string Version { get; } =
        typeof(ChartMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? throw new InvalidOperationException("the assembly has no informational version");

    /// <summary>Labels of every object, as `helm template` with release name kata-lifecycle-manager renders them.</summary>
    /// <remarks>In the order of the chart's labels helper (templates/chart/templates/_helpers.tpl.sbn), as Helm prints them.</remarks>
    public static Dictionary<string, string> Labels(string releaseName) => new()
    {
        ["helm.sh/chart"] = $"{Name}-{Version}",
        ["app.kubernetes.io/name"] = Name,
        ["app.kubernetes.io/instance"] = releaseName,
        ["app.kubernetes.io/version"] = Version,
        ["app.kubernetes.io/managed-by"] = "Helm",
    };

    /// <summary>The chart's template file of each object, relative to the chart (from templates/chart/templates/*.yaml.sbn).</summary>
    public static class Templates
    {
        public const string ServiceAccount = "templates/serviceaccount.yaml";
        public const string Rbac = "templates/rbac.yaml";
        public const string StepsConfigMap = "templates/steps-configmap.yaml";
        public const string WorkflowTemplate = "templates/workflowtemplate.yaml";
    }
}
