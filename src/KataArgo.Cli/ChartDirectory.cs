namespace KataArgo.Cli;

/// <summary>Writes a rendered chart all at once, and compares a directory with one.</summary>
internal static class ChartDirectory
{
    /// <summary>Renders into a sibling directory, then swaps it in, so a failure leaves the old chart whole.</summary>
    public static void Replace(string directory, IReadOnlyDictionary<string, string> files)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(directory)}.rendering-{Guid.NewGuid():N}");
        try
        {
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, content);
            }
            if (Directory.Exists(directory))
            {
                var old = staging + ".old";
                Directory.Move(directory, old);
                Directory.Move(staging, directory);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(staging, directory);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
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
}
