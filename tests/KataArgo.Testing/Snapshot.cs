using System.Text;

namespace KataArgo.Testing;

/// <summary>
/// Golden files under snapshots/. A mismatch fails with the first differing lines; files are
/// written only with the explicit opt-in UPDATE_SNAPSHOTS=1, never on mismatch.
/// </summary>
public static class Snapshot
{
    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

    public static void Verify(string relativePath, string actual) => VerifyFile("snapshots/" + relativePath, actual);

    /// <summary>Any generated file of the repository (e.g. a docs page), compared and updated like a snapshot.</summary>
    public static void VerifyFile(string repositoryPath, string actual)
    {
        var path = Repo.Path(repositoryPath.Split('/'));
        actual = actual.Replace("\r\n", "\n");
        if (Updating)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        if (!File.Exists(path))
            throw new SnapshotMismatchException($"{repositoryPath} does not exist; create it with UPDATE_SNAPSHOTS=1");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != actual)
            throw new SnapshotMismatchException($"{repositoryPath} differs (update deliberately with UPDATE_SNAPSHOTS=1):\n{Diff(expected, actual)}");
    }

    /// <summary>The first few differing lines, unified-diff style.</summary>
    public static string Diff(string expected, string actual, int maxLines = 20)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var text = new StringBuilder();
        var shown = 0;
        for (var i = 0; i < Math.Max(e.Length, a.Length) && shown < maxLines; i++)
        {
            var left = i < e.Length ? e[i] : null;
            var right = i < a.Length ? a[i] : null;
            if (left == right)
                continue;
            if (left is not null)
                text.Append($"{i + 1,5} - {left}\n");
            if (right is not null)
                text.Append($"{i + 1,5} + {right}\n");
            shown++;
        }
        return text.ToString();
    }
}

public sealed class SnapshotMismatchException(string message) : Exception(message);
