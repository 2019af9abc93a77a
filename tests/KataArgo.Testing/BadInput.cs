using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KataArgo.Testing;

/// <summary>One refused input of tests/cases/bad-input.json.</summary>
public sealed record BadInputCase
{
    public required string Id { get; init; }

    /// <summary>parameter (kata-argo, ParameterRules and the step scripts), cluster (a run), values (`template`), cli.</summary>
    public required string Layer { get; init; }

    public required string Description { get; init; }
    public required string Error { get; init; }
    public required int Exit { get; init; }
    public Dictionary<string, string> Parameters { get; init; } = [];
    public string? Entrypoint { get; init; }
    public string[] Args { get; init; } = [];
    public string? Cluster { get; init; }
    public string? Server { get; init; }

    public override string ToString() => Id;
}

/// <summary>The bad-input matrix, shared by every layer's tests, and docs/bad-input.md generated from it.</summary>
public static class BadInput
{
    private static readonly Lazy<IReadOnlyList<BadInputCase>> Loaded = new(() =>
        JsonSerializer.Deserialize<Matrix>(File.ReadAllText(Repo.Path("tests", "cases", "bad-input.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!.Cases);

    public static IReadOnlyList<BadInputCase> Cases => Loaded.Value;

    public static BadInputCase Get(string id) => Cases.Single(c => c.Id == id);

    /// <summary>Case ids of one layer, for [MemberData].</summary>
    public static IEnumerable<object[]> Ids(string layer) => Cases.Where(c => c.Layer == layer).Select(c => new object[] { c.Id });

    /// <summary>A case's parameter value as sent: "@not-pinned" and "@not-a-pod" stand for base64 verification pods.</summary>
    public static string ParameterValue(string value) => value switch
    {
        "@not-pinned" => Base64(Samples.UnpinnedVerificationPod),
        "@not-a-pod" => Base64(Samples.ConfigMapManifest),
        _ => value,
    };

    private static string Base64(string yaml) => Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml));

    /// <summary>The value of a parameter as a command line shows it: long values abbreviated, control characters escaped.</summary>
    public static string Show(string value) =>
        value.Length > 60 ? $"{value[..8]}… ({value.Length} characters)" : value.Replace("\n", "\\n").Replace("|", "\\|");

    public static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("# Bad input\n\n");
        text.Append("Every input KataArgo refuses, with the exact one-line error, the exit code, and how the tests prove that\n");
        text.Append("nothing was changed or sent. Generated from `tests/cases/bad-input.json`, which the tests of every layer\n");
        text.Append("read; regenerate with `UPDATE_SNAPSHOTS=1 dotnet test KataArgo.sln`.\n\n");
        text.Append("The verification pod's own rules (what `verification-pod` and `defaults.verificationPod` must be) are\n");
        text.Append("one table, `templates/steps/verification-pod-rules.json`, listed with their lines in the chart's README\n");
        text.Append("(\"Verification pod rules\"); `tests/cases/verification-pod.json` runs preflight, `kata-argo submit`,\n");
        text.Append("`kata-argo template` and `helm template` over the same manifests.\n\n");
        text.Append($"{Cases.Count} cases.\n");
        foreach (var (layer, title, proof) in Layers)
        {
            var cases = Cases.Where(c => c.Layer == layer).ToList();
            text.Append($"\n## {title} ({cases.Count})\n\n{proof}\n\n");
            text.Append("| case | input | error | exit |\n|---|---|---|---|\n");
            foreach (var c in cases)
                text.Append($"| {c.Description} | {Input(c)} | {Code(c.Error.Replace("|", "\\|"))} | {c.Exit} |\n");
        }
        return text.ToString();
    }

    private static readonly (string Layer, string Title, string Proof)[] Layers =
    [
        ("parameter", "Workflow parameters",
            "Refused three times, with the same line: by `kata-argo submit` before any request (exit 2; the test's Argo server " +
            "records no request), by `ParameterRules` in C#, and by the step that reads the parameter (`preflight`, or `cleanup` " +
            "for `run` and `node-name`) before its first kubectl or helm call (the doubles record none; the step fails and the " +
            "run with it)."),
        ("cluster", "Refusals that need the cluster",
            "A run against the kubectl/helm doubles fails in `preflight` or `select-nodes` with this line; no kubectl or helm " +
            "call that changes anything is made, and the exit handler finds nothing to restore (exit 1 is the failed step). " +
            "The verification-pod cases need no cluster: `kata-argo submit` refuses them first, with the same line and exit 2, " +
            "and sends nothing."),
        ("values", "Chart values (`kata-argo template`, and `helm install` through values.schema.json and _helpers.tpl)",
            "`kata-argo template` prints nothing and writes nothing; exit 2."),
        ("cli", "Command line and connection",
            "Usage errors send nothing (exit 2); connection and credential errors name the URL and exit 3; a missing " +
            "WorkflowTemplate exits 4 with the install command; no Workflow is submitted."),
    ];

    private static string Input(BadInputCase c)
    {
        var parts = new List<string>();
        if (c.Entrypoint is { } entrypoint)
            parts.Add($"--entrypoint {entrypoint}");
        if (c.Cluster is { } cluster && cluster != "default")
            parts.Add($"cluster: {cluster}");
        if (c.Server is { } server && server != "running")
            parts.Add($"server: {server}");
        parts.AddRange(c.Parameters.Select(p => $"-p {p.Key}={Show(p.Value)}"));
        parts.AddRange(c.Args.Select(Show));
        return parts.Count == 0 ? "(defaults)" : Code(string.Join(" ", parts));
    }

    /// <summary>A Markdown code span that may itself contain backticks.</summary>
    private static string Code(string text) => text.Contains('`') ? $"`` {text} ``" : $"`{text}`";

    private sealed record Matrix(string Description, [property: JsonRequired] List<BadInputCase> Cases);
}
