using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace KataArgo.Testing;

/// <summary>One case of tests/cases/verification-pod.json: a manifest file and the verdict every implementation gives.</summary>
public sealed record VerificationPodCase(string Name, string Description, string Manifest, string? Rule, string? Reason, bool Prefix)
{
    /// <summary>The parameter's name, as preflight and kata-argo submit name it.</summary>
    public const string Parameter = "verification-pod";

    /// <summary>The chart value's path, as the chart and kata-argo template name it.</summary>
    public const string Value = "defaults.verificationPod";

    public bool Accepted => Rule is null;

    public string Base64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(Manifest));

    /// <summary>The refusal expected where the manifest is given as NAME ("NAME: reason").</summary>
    public string Expected(string name) => $"{name}: {Reason}";

    /// <summary>Asserts that the one-line refusal (null: accepted) is this case's, given as NAME.</summary>
    public void AssertVerdict(string name, string? refusal)
    {
        if (Accepted)
        {
            Assert.True(refusal is null, $"{Name}: expected accepted, got: {refusal}");
            return;
        }
        Assert.True(refusal is not null, $"{Name}: expected '{Expected(name)}', but it was accepted");
        Assert.DoesNotContain('\n', refusal);
        if (Prefix)
            Assert.StartsWith(Expected(name), refusal);
        else
            Assert.Equal(Expected(name), refusal);
    }

    public override string ToString() => Name;
}

/// <summary>The shared case table tests/cases/verification-pod.json.</summary>
public static class VerificationPodCases
{
    private static readonly Lazy<IReadOnlyList<VerificationPodCase>> Loaded = new(() =>
        [.. JsonNode.Parse(File.ReadAllText(Repo.Path("tests", "cases", "verification-pod.json")))!["cases"]!.AsArray().Select(c => Parse(c!))]);

    public static IReadOnlyList<VerificationPodCase> All => Loaded.Value;

    public static VerificationPodCase Get(string name) => All.Single(c => c.Name == name);

    /// <summary>Case names, for [MemberData].</summary>
    public static IEnumerable<object[]> Names() => All.Select(c => new object[] { c.Name });

    private static VerificationPodCase Parse(JsonNode c)
    {
        var manifest = c["manifest"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>() + "\n")),
            var text => text!.GetValue<string>(),
        };
        var expected = c["expected"]!;
        return new VerificationPodCase(
            c["name"]!.GetValue<string>(), c["description"]!.GetValue<string>(), manifest,
            expected["rule"]?.GetValue<string>(), expected["reason"]?.GetValue<string>(), expected["prefix"]?.GetValue<bool>() ?? false);
    }
}
