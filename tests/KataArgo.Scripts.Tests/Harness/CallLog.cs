using System.Text.Json.Nodes;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>Every call the doubles answered, in order (one JSON line each).</summary>
public sealed class CallLog(IReadOnlyList<Call> calls)
{
    public IReadOnlyList<Call> All => calls;

    public static CallLog Load(string path) =>
        new([.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => Call.Parse(JsonNode.Parse(l)!.AsObject()))]);

    public IReadOnlyList<Call> Mutating => [.. calls.Where(c => c.IsMutating)];

    public IReadOnlyList<Call> Of(string tool, string verb) => [.. calls.Where(c => c.Tool == tool && c.Verb == verb)];

    /// <summary>Calls the doubles do not implement: a script used a form nobody checked.</summary>
    public IReadOnlyList<Call> Unimplemented => [.. calls.Where(c => c.Exit is 97 or 98)];

    public override string ToString() => string.Join("\n", calls.Select(c => c.Line));
}

public sealed record Call(string Tool, IReadOnlyList<string> Argv, int Exit, string? Stdin, IReadOnlyDictionary<string, string> Files)
{
    private static readonly HashSet<string> KubectlWrites =
        ["create", "delete", "patch", "label", "annotate", "cordon", "uncordon", "drain", "apply", "replace", "edit", "scale", "taint", "set", "rollout"];

    private static readonly HashSet<string> HelmWrites = ["upgrade", "rollback", "install", "uninstall"];

    public string Line => $"{Tool} {string.Join(" ", Argv)} => {Exit}";

    /// <summary>The argv without kubectl's global <c>--request-timeout</c>: verb first.</summary>
    public IReadOnlyList<string> Command => [.. Argv.Where(a => !a.StartsWith("--request-timeout", StringComparison.Ordinal))];

    public string Verb => Command.FirstOrDefault() ?? "";

    public bool IsMutating => Tool == "helm"
        ? HelmWrites.Contains(Verb) && !Argv.Contains("--dry-run=server")
        : KubectlWrites.Contains(Verb) && !Argv.Contains("--dry-run=client");

    public string? Flag(string name)
    {
        for (var i = 0; i < Argv.Count; i++)
        {
            if (Argv[i] == name && i + 1 < Argv.Count)
                return Argv[i + 1];
            if (Argv[i].StartsWith(name + "=", StringComparison.Ordinal))
                return Argv[i][(name.Length + 1)..];
        }
        return null;
    }

    public static Call Parse(JsonObject line) => new(
        (string)line["tool"]!,
        [.. line["argv"]!.AsArray().Select(a => (string)a!)],
        (int?)line["exit"] ?? 98,
        (string?)line["stdin"],
        line["files"]?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? []);
}
