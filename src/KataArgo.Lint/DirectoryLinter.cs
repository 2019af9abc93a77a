namespace KataArgo.Lint;

/// <summary>
/// Lints a directory of workflow files as <c>argo lint DIR</c> does: every .yaml, .yml and .json
/// file below it (argo-workflows util/file WalkManifests), in path order; files holding no Argo
/// object are left alone. A chart directory (one with Chart.yaml) is <see cref="ChartLinter"/>'s.
/// </summary>
public static class DirectoryLinter
{
    public static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <param name="display">How the directory is named in findings, e.g. as the user typed it.</param>
    public static LintReport Check(string directory, string display, ArgoVersionRequirement versions)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var files = Directory.EnumerateFiles(directory, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        var reports = files.Select(relative => ManifestLinter.Check(
            display.TrimEnd('/') + "/" + relative, File.ReadAllText(Path.Combine(directory, relative)), versions)).ToList();
        return LintReport.Combine(reports);
    }

    public static bool IsChart(string directory) => File.Exists(Path.Combine(directory, "Chart.yaml"));
}
