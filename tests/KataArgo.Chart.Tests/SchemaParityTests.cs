using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Testing;
using NJsonSchema;

namespace KataArgo.Chart.Tests;

/// <summary>
/// values.schema.json (what Helm checks at install) and ParameterRules (what kata-argo and
/// preflight check) accept and refuse the same values, for every chart value that sets a workflow
/// parameter, over one set of cases: the bad-input matrix's values plus samples per kind.
/// </summary>
public class SchemaParityTests
{
    private static readonly Dictionary<ParameterKind, string[]> KindSamples = new()
    {
        [ParameterKind.Duration] =
        [
            "300s", "10m", "90m", "1h", "1h30m", "1h05m", "1h0m0s", "59m59s", "60m", "3600s", "3601s", "61m", "60m1s", "1h1s", "2h", "2h0m1s",
            "119m59s", "120m", "7200s", "7201s", "0s", "00s", "0m", "0h0m0s", "1m120s", "0h30m", "010m", "1h60m", "1h5m60s", "5m3h", "10",
            "", "1.5h", "-1m", "9999999999s", "1m", "1s", "59s", "1h59m59s",
        ],
        [ParameterKind.ReleaseName] = ["kata-deploy", "a", "Kata", "-kata", "kata-", "kata_deploy", new string('k', 53), new string('k', 54), ""],
        [ParameterKind.Namespace] = ["kube-system", "default", "Kube", new string('n', 63), new string('n', 64), "a.b", ""],
        [ParameterKind.LabelSelector] = ["", "pool=gpu", "a!=b,c", "!x", "pool in (a,b)", "k8s.io/role=gpu", "a=$(b)", "a;b", "a=b=c", "a in b", "=x"],
        [ParameterKind.TaintKey] = ["", "nvidia.com/gpu", "dedicated", "a/b/c", "-x", "x_y", "Example.com/x", "x" + new string('y', 63)],
        [ParameterKind.TaintValue] = ["", "gpu", "a.b_c-d", "-a", "a-", new string('v', 63), new string('v', 64), "a b"],
        [ParameterKind.NodeList] = ["", "node-a", "node-a,node-b", "node-a,", ",node-a", "node-a,,node-b", "Node-A", "a.b.c,d", "node a"],
        [ParameterKind.Image] =
        [
            "docker.io/alpine/k8s:1.32.4", "alpine/k8s:latest", "alpine/k8s", "registry:5000/k8s:1.0", "ghcr.io/x/y@sha256:" + new string('a', 64),
            "Alpine/k8s:1", "alpine//k8s:1", "", "alpine/k8s:1.0@sha256:" + new string('0', 64), "my__image:1", "a__b/c:1",
        ],
        [ParameterKind.ChartReference] =
        [
            "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy", "https://example.com/charts/kata-deploy-3.30.0.tgz",
            "kata/kata-deploy", "kata-deploy", "oci://", "ftp://x/y", "", "oci://ghcr.io/a b",
        ],
    };

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(ValuesSchema.Build().ToJsonString()).GetAwaiter().GetResult());

    public static TheoryData<string> BoundValues() => [.. ChartValues.All.Where(v => v.Parameter is { Kind: not (ParameterKind.VerificationPod or ParameterKind.Boolean) }).Select(v => v.Path)];

    [Theory]
    [MemberData(nameof(BoundValues))]
    public void The_schema_accepts_exactly_what_the_parameter_rules_accept(string path)
    {
        var value = ChartValues.Get(path);
        var parameter = value.Parameter!;
        var cases = KindSamples[parameter.Kind]
            .Concat(BadInput.Cases.Where(c => c.Layer == "parameter").SelectMany(c => c.Parameters)
                .Where(p => WorkflowParameters.Find(p.Key)?.Kind == parameter.Kind).Select(p => p.Value))
            .Append(new string('x', 600)).Append("a\tb").Append("a b").Distinct()
            // .NET's $ (NJsonSchema) also matches before a final newline, Go's (Helm's) does not: not comparable here.
            .Where(text => !text.EndsWith('\n'));

        var disagreements = cases
            .Select(text => (Text: text, Rules: parameter.Validate(text) is null, Schema: SchemaAccepts(value, text)))
            .Where(c => c.Rules != c.Schema)
            .Select(c => $"'{c.Text}': ParameterRules {(c.Rules ? "accepts" : "refuses")}, values.schema.json {(c.Schema ? "accepts" : "refuses")}")
            .ToList();

        Assert.Empty(disagreements);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(59)]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(3599)]
    [InlineData(3600)]
    [InlineData(3661)]
    [InlineData(7200)]
    [InlineData(10_000)]
    public void The_duration_pattern_holds_every_duration_up_to_its_maximum_in_every_accepted_spelling(int maxSeconds)
    {
        var pattern = new System.Text.RegularExpressions.Regex(ParameterRules.DurationPattern(TimeSpan.FromSeconds(maxSeconds)));
        var parameter = WorkflowParameters.DrainTimeout with { MaxDuration = TimeSpan.FromSeconds(maxSeconds) };

        foreach (var text in Spellings(maxSeconds + 90))
            Assert.True(pattern.IsMatch(text) == (parameter.Validate(text) is null), $"{text} with maximum {maxSeconds}s");
    }

    /// <summary>Every way to write 0..<paramref name="upTo"/> seconds with h, m and s, canonical or not.</summary>
    private static IEnumerable<string> Spellings(int upTo)
    {
        for (var total = 0; total <= upTo; total += total < 200 ? 1 : 7)
        {
            yield return $"{total}s";
            yield return $"0{total}s";
            if (total % 60 == 0)
                yield return $"{total / 60}m";
            var (m, s) = Math.DivRem(total, 60);
            yield return $"{m}m{s}s";
            yield return $"{m}m{s:00}s";
            var (h, rest) = Math.DivRem(total, 3600);
            var (hm, hs) = Math.DivRem(rest, 60);
            yield return $"{h}h{hm}m{hs}s";
            yield return $"{h}h{hm:00}m";
            yield return $"{h}h{hs}s";
            yield return $"{h}h";
            if (m > 0)
                yield return $"{m - 1}m{s + 60}s";
        }
    }

    private static bool SchemaAccepts(ChartValue value, string text)
    {
        var values = ChartValues.Defaults();
        values["defaults"]!["verificationPod"] = Samples.CudaVerificationPod;
        var parent = value.Segments[..^1].Aggregate((JsonNode)values, (node, segment) => node[segment]!);
        parent[value.Segments[^1]] = text;
        return Schema.Value.Validate(values.ToJsonString()).Count == 0;
    }
}
