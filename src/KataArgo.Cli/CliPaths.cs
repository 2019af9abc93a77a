namespace KataArgo.Cli;

/// <summary>
/// Path arguments of every command, checked the same way: relative to the working directory, a
/// trailing slash accepted, a file where a directory is expected (and the reverse) refused with
/// one line that starts with what was typed (<c>shown</c>, e.g. "render --out chart/").
/// </summary>
internal static class CliPaths
{
    /// <summary>The full path of a directory argument (which may not exist yet); refuses a file.</summary>
    public static string Directory(CliConsole console, string path, string shown)
    {
        var full = Full(console, path, shown);
        if (File.Exists(full))
            throw new UsageException($"{shown}: is a file; give a directory");
        for (var parent = Path.GetDirectoryName(full); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
                throw new UsageException($"{shown}: {parent} is a file, not a directory; give a path under a directory");
            if (System.IO.Directory.Exists(parent))
                break;
        }
        return full;
    }

    /// <summary>The content of a file argument; refuses a missing file, a directory, an unreadable file.</summary>
    public static string ReadFile(CliConsole console, string path, string shown)
    {
        var full = Full(console, path, shown);
        if (System.IO.Directory.Exists(full))
            throw new UsageException($"{shown}: is a directory; give a file");
        if (!File.Exists(full))
            throw new UsageException($"{shown}: no such file");
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{shown}: cannot be read ({e.Message})");
        }
    }

    private static string Full(CliConsole console, string path, string shown)
    {
        if (path.Length == 0)
            throw new UsageException($"{shown}: the path is empty; give a path");
        try
        {
            return Path.TrimEndingDirectorySeparator(console.Resolve(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{shown}: not a usable path ({e.Message})");
        }
    }
}
