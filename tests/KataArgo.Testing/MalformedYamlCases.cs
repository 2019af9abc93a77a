using System.Text.Json;
using Xunit;

namespace KataArgo.Testing;

/// <summary>
/// One text from tests/cases/malformed-yaml.json that does not parse, with the 1-based line and
/// column the author must look at and the words said there.
/// </summary>
public sealed record MalformedYamlCase(string Name, string? Why, List<string> Yaml, int Line, int Column, string Error, bool Documents)
{
    public string Text => string.Join("\n", Yaml) + "\n";

    /// <summary>"line 2, column 11: '[' is not closed: ...": what every reader but lint says after its prefix.</summary>
    public string Where => $"line {Line}, column {Column}: {Error}";

    public override string ToString() => Name;
}

/// <summary>The malformed YAML every reader of kata-argo reports at the same place with the same words.</summary>
public static class MalformedYamlCases
{
    private static readonly Lazy<IReadOnlyList<MalformedYamlCase>> Loaded = new(() =>
        JsonSerializer.Deserialize<Table>(File.ReadAllText(Repo.Path("tests", "cases", "malformed-yaml.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!.Cases);

    public static IReadOnlyList<MalformedYamlCase> All => Loaded.Value;

    /// <summary>The case names, for [MemberData]; <see cref="Named"/> gives the case.</summary>
    public static TheoryData<string> Names() => new(All.Select(c => c.Name));

    /// <summary>The cases of one YAML document, for the readers that take exactly one (a kubeconfig).</summary>
    public static TheoryData<string> SingleDocumentNames() => new(All.Where(c => !c.Documents).Select(c => c.Name));

    public static MalformedYamlCase Named(string name) => All.Single(c => c.Name == name);

    private sealed record Table(string Description, List<MalformedYamlCase> Cases);
}
