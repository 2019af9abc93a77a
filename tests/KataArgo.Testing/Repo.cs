using System.Reflection;

namespace KataArgo.Testing;

/// <summary>Where the repository and ../shared are, as recorded at build time.</summary>
public static class Repo
{
    public static string Root { get; } = Metadata("KataArgoRoot");

    /// <summary>../shared/argo-workflows beside the repository.</summary>
    public static string ArgoShared { get; } = Metadata("ArgoSharedDir");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' is missing (tests/Directory.Build.props sets it)");
}
