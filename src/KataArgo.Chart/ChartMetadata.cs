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
    public static Dictionary<string, string> Labels(string releaseName) => new()
    {
        ["app.kubernetes.io/name"] = Name,
        ["app.kubernetes.io/instance"] = releaseName,
        ["app.kubernetes.io/version"] = Version,
        ["app.kubernetes.io/managed-by"] = "Helm",
        ["helm.sh/chart"] = $"{Name}-{Version}",
    };
}
