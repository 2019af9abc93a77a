using System.Reflection;

namespace KataArgo.Lifecycle;

/// <summary>
/// The step scripts under <c>templates/steps</c>, embedded in this assembly. Each step runs as
/// <c>lib.sh</c> followed by its own file; parameters reach it only through its environment.
/// </summary>
public static class StepScripts
{
    public const string Library = "lib.sh";

    public static readonly IReadOnlyList<string> Steps =
    [
        "preflight.sh", "select-nodes.sh", "stage.sh", "cordon.sh", "drain.sh", "recycle.sh", "verify.sh",
        "uncordon.sh", "finish.sh", "cleanup.sh",
    ];

    /// <summary>The text a step template runs: the library, then the step without its shebang.</summary>
    public static string Compose(string step)
    {
        var body = Read(step);
        if (body.StartsWith("#!", StringComparison.Ordinal))
            body = body[(body.IndexOf('\n') + 1)..];
        return Read(Library).TrimEnd('\n') + "\n\n# ---- " + step + " ----\n" + body.TrimEnd('\n') + "\n";
    }

    public static string Read(string file)
    {
        using var stream = typeof(StepScripts).Assembly.GetManifestResourceStream("steps/" + file)
            ?? throw new InvalidOperationException($"step script '{file}' is not embedded; expected templates/steps/{file}");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().Replace("\r\n", "\n");
        if (text.Contains("{{", StringComparison.Ordinal))
            throw new InvalidOperationException($"templates/steps/{file} contains '{{{{', which Argo and Helm would substitute; read parameters from the environment");
        return text;
    }

    public static IEnumerable<string> EmbeddedFiles() =>
        typeof(StepScripts).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("steps/", StringComparison.Ordinal))
            .Select(n => n["steps/".Length..]);
}
