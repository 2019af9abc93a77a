using Argo.Workflows.Client;
using KataArgo.Chart;

namespace KataArgo.Cli;

/// <summary>
/// Writes a rendered chart into a directory, and compares a directory with one. A directory is
/// written only when it is new, empty, or this chart: its Chart.yaml names kata-lifecycle-manager
/// and every file and folder in it is one <c>render</c> writes. Anything else is somebody's and is
/// never replaced.
/// </summary>
internal static class ChartDirectory
{
    private const int ListedEntries = 5;

    /// <summary>Null when <paramref name="directory"/> may receive the chart, else why not ("it holds notes.txt, sub/").</summary>
    public static string? WhyNotWritable(string directory, IReadOnlyDictionary<string, string> files)
    {
        if (!Directory.Exists(directory))
            return null;
        var foreign = Foreign(directory, files).ToList();
        if (foreign.Count > 0)
            return "it holds " + string.Join(", ", foreign.Take(ListedEntries)) + (foreign.Count > ListedEntries ? $" and {foreign.Count - ListedEntries} more" : "");
        var chartYaml = Path.Combine(directory, "Chart.yaml");
        if (!File.Exists(chartYaml))
            return Directory.EnumerateFileSystemEntries(directory).Any() ? "it has no Chart.yaml" : null;
        string? name;
        try
        {
            name = (ArgoYaml.Load(File.ReadAllText(chartYaml)) as System.Text.Json.Nodes.JsonObject)?["name"]?.ToString();
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return "its Chart.yaml is not YAML";
        }
        return name == ChartMetadata.Name ? null : $"its Chart.yaml names {(string.IsNullOrEmpty(name) ? "no chart" : name)}";
    }

    /// <summary>
    /// Writes every file next to its place first, then renames each over the old one, so a failed
    /// write leaves the old files whole. Call only after <see cref="WhyNotWritable"/> said yes.
    /// </summary>
    public static void Write(string directory, IReadOnlyDictionary<string, string> files)
    {
        var staged = new List<(string Temporary, string Path)>();
        try
        {
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(directory, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var temporary = $"{path}.kata-argo-{Guid.NewGuid():N}";
                staged.Add((temporary, path));
                File.WriteAllText(temporary, content);
            }
            foreach (var (temporary, path) in staged)
                File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            foreach (var (temporary, _) in staged)
                File.Delete(temporary);
        }
    }

    /// <summary>One line per difference: "changed: PATH", "missing: PATH", "extra: PATH".</summary>
    public static List<string> Diff(string directory, IReadOnlyDictionary<string, string> files)
    {
        var changes = new List<string>();
        foreach (var (relative, content) in files)
        {
            var path = Path.Combine(directory, relative);
            if (!File.Exists(path))
                changes.Add($"missing: {relative}");
            else if (File.ReadAllText(path).Replace("\r\n", "\n") != content)
                changes.Add($"changed: {relative}");
        }
        if (Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
                if (!files.ContainsKey(relative))
                    changes.Add($"extra: {relative}");
            }
        }
        changes.Sort(StringComparer.Ordinal);
        return changes;
    }

    /// <summary>Entries render does not write, outermost first ("sub/" for a folder); links are never followed.</summary>
    private static IEnumerable<string> Foreign(string directory, IReadOnlyDictionary<string, string> files)
    {
        var folders = files.Keys.SelectMany(Parents).ToHashSet(StringComparer.Ordinal);
        var pending = new Queue<string>([""]);
        while (pending.Count > 0)
        {
            var relative = pending.Dequeue();
            var entries = new DirectoryInfo(Path.Combine(directory, relative)).EnumerateFileSystemInfos()
                .OrderBy(e => e.Name, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                var isFolder = entry is DirectoryInfo && entry.LinkTarget is null;
                if (isFolder && folders.Contains(path))
                    pending.Enqueue(path);
                else if (isFolder || entry.LinkTarget is not null || !files.ContainsKey(path))
                    yield return isFolder ? path + "/" : path;
            }
        }
    }

    private static IEnumerable<string> Parents(string relative)
    {
        for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
            yield return relative[..slash];
    }
}
