using System.Text.Json;

namespace KataArgo.Testing;

/// <summary>One value of a duration parameter from tests/cases/durations.json: the exact error, or null when accepted.</summary>
public sealed record DurationCase(string Parameter, string Value, string? Error, string Why)
{
    public override string ToString() => $"{Parameter}={Value}";
}

/// <summary>The duration cases every implementation of the rule passes (ParameterRules, the chart's values, lib.sh).</summary>
public static class DurationCases
{
    private static readonly Lazy<IReadOnlyList<DurationCase>> Loaded = new(() =>
        JsonSerializer.Deserialize<Table>(File.ReadAllText(Repo.Path("tests", "cases", "durations.json")),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!.Cases);

    public static IReadOnlyList<DurationCase> All => Loaded.Value;

    /// <summary>(parameter, value, error or null) of every case, for [MemberData].</summary>
    public static IEnumerable<object?[]> Cases() => All.Select(c => new object?[] { c.Parameter, c.Value, c.Error });

    /// <summary>The refused cases only.</summary>
    public static IEnumerable<object?[]> Refused() => Cases().Where(c => c[2] is not null);

    private sealed record Table(string Description, List<DurationCase> Cases);
}
