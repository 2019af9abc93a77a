using System.Text.Json.Nodes;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

public class ValuesTests
{
    [Fact]
    public void The_defaults_with_a_verification_pod_are_accepted()
    {
        var values = ChartFixture.Values();

        Assert.Equal("argo", values["argoNamespace"]!.GetValue<string>());
        Assert.False(values["defaults"]!["drainEnabled"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("defaults:\n  drianEnabled: true\n", "values: unknown key 'defaults.drianEnabled'; valid keys: defaults.helmRelease")]
    [InlineData("argoNamespaces: argo\n", "values: unknown key 'argoNamespaces'; valid keys: argoNamespace")]
    [InlineData("images:\n  helms: x:1\n", "values: unknown key 'images.helms'")]
    [InlineData("defaults:\n  drainTimeout: 5 minutes\n", "values: defaults.drainTimeout: '5 minutes' is not a duration; use whole hours, minutes and seconds such as 300s, 10m or 1h30m")]
    [InlineData("defaults:\n  recycleTimeout: 2h\n", "values: defaults.recycleTimeout: '2h' is longer than the maximum 1h")]
    [InlineData("defaults:\n  drainEnabled: \"true\"\n", "values: defaults.drainEnabled: 'true' is not a boolean; use true or false, unquoted (--set, not --set-string)")]
    [InlineData("defaults:\n  drainTimeout: 10\n", "values: defaults.drainTimeout: '10' is not a duration; use whole hours, minutes and seconds such as 300s, 10m or 1h30m")]
    [InlineData("defaults:\n  helmRelease: 123\n", "values: defaults.helmRelease: 123 is a number, not text; quote it in a values file or use --set-string defaults.helmRelease=123")]
    [InlineData("defaults:\n  verificationTimeout: 0s\n", "values: defaults.verificationTimeout: '0s' is zero; give a positive duration such as 300s, 10m or 1h30m")]
    [InlineData("argoNamespace: Bad_NS\n", "values: argoNamespace: 'Bad_NS' is not accepted; use a namespace name: lowercase letters, digits and '-' (at most 63)")]
    [InlineData("kataDeploy:\n  multiInstallSuffix: A_B\n", "values: kataDeploy.multiInstallSuffix: 'A_B' is not accepted; use empty, or lowercase letters, digits and '-' (at most 32)")]
    [InlineData("defaults:\n  helmNamespace: Kube_System\n", "values: defaults.helmNamespace: 'Kube_System' is not a namespace name")]
    [InlineData("defaults:\n  activeDeadlineSeconds: 10\n", "values: defaults.activeDeadlineSeconds: 10 is out of range; use a whole number of seconds from 60 to 2592000 (30 days)")]
    [InlineData("defaults:\n  activeDeadlineSeconds: soon\n", "values: defaults.activeDeadlineSeconds: 'soon' is not a whole number; use a whole number of seconds from 60 to 2592000 (30 days)")]
    [InlineData("images:\n  helm: alpine/k8s:latest\n", "values: images.helm: 'alpine/k8s:latest' uses :latest; pin a version")]
    [InlineData("images:\n  kubectl: alpine/k8s\n", "values: images.kubectl: 'alpine/k8s' has no tag; pin a version")]
    [InlineData("defaults:\n  nodeSelector: \"a=b; rm -rf /\"\n", "values: defaults.nodeSelector: 'a=b; rm -rf /' is not a label selector")]
    [InlineData("defaults: [1, 2]\n", "values: defaults: [1,2] is not a mapping; give the keys under defaults (defaults.helmRelease, ")]
    [InlineData("- a\n", "values file values-0.yaml: expected a mapping of values at the top level")]
    [InlineData("a: [\n", "values file values-0.yaml: not valid YAML: line 1, column 4: '[' is not closed: no matching ']' follows")]
    public void Malformed_values_are_refused_with_one_line_naming_the_value_and_the_fix(string file, string expected)
    {
        var error = Assert.Throws<ChartValuesException>(() => ChartFixture.Values(file));

        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [MemberData(nameof(DurationCases.Cases), MemberType = typeof(DurationCases))]
    public void Duration_values_are_refused_with_the_parameter_s_message(string parameter, string value, string? error)
    {
        var path = ChartValues.All.Single(v => v.Parameter?.Name == parameter).Path;
        JsonObject Load() => ChartValuesLoader.Load(new ChartValuesLoader.Sources
        {
            SetString = [$"{path}={value}"],
            SetFile = [(ChartValues.VerificationPodPath, Samples.CudaVerificationPod)],
        });

        if (error is null)
            Assert.Equal(value, ChartValues.Lookup(Load(), ChartValues.Get(path))!.GetValue<string>());
        else
            Assert.Equal($"values: {path}: {error[(parameter.Length + 2)..]}", Assert.Throws<ChartValuesException>(Load).Message);
    }

    [Theory]
    [InlineData("---\n")]
    [InlineData("---  \n\n")]
    [InlineData("---\r\n")]
    public void A_closing_document_marker_is_not_a_second_document(string end)
    {
        var values = ChartValuesLoader.Load(new ChartValuesLoader.Sources
        {
            SetFile = [(ChartValues.VerificationPodPath, Samples.CudaVerificationPod + end)],
        });

        Assert.Contains("kind: Pod", values["defaults"]!["verificationPod"]!.GetValue<string>());
    }

    [Fact]
    public void A_leading_document_marker_is_not_a_second_document()
    {
        Assert.Null(VerificationPodRules.Check("---\n" + Samples.CudaVerificationPod));
    }

    [Fact]
    public void Set_values_are_typed_as_helm_types_them()
    {
        var values = ChartValuesLoader.Load(new ChartValuesLoader.Sources
        {
            Set = ["defaults.drainEnabled=true,defaults.activeDeadlineSeconds=3600", @"defaults.nodeSelector=a=b\,c=d"],
            SetString = ["defaults.helmRelease=kata-deploy"],
            SetFile = [(ChartValues.VerificationPodPath, Samples.CudaVerificationPod)],
        });

        Assert.True(values["defaults"]!["drainEnabled"]!.GetValue<bool>());
        Assert.Equal(3600, values["defaults"]!["activeDeadlineSeconds"]!.GetValue<long>());
        Assert.Equal("a=b,c=d", values["defaults"]!["nodeSelector"]!.GetValue<string>());
    }

    [Fact]
    public void Later_sources_win_and_null_removes_a_value()
    {
        var values = ChartFixture.Values("defaults:\n  helmRelease: first\n", "defaults:\n  helmRelease: second\n  nodes: null\n");

        Assert.Equal("second", values["defaults"]!["helmRelease"]!.GetValue<string>());
        Assert.False(values["defaults"]!.AsObject().ContainsKey("nodes"));
    }

    [Fact]
    public void Values_reach_the_workflow_parameters()
    {
        var options = ManifestRenderer.LifecycleOptionsFrom(ChartFixture.Values(ChartFixture.CustomValues), new Dictionary<string, string>());

        Assert.Equal("workflows", options.Namespace);
        Assert.Equal("kata-gpu", options.ParameterDefaults["helm-release"]);
        Assert.Equal("true", options.ParameterDefaults["drain-enabled"]);
        Assert.Equal(86400, options.ActiveDeadlineSeconds);
        Assert.Equal(Samples.CudaVerificationPod, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(options.ParameterDefaults["verification-pod"])));
    }

    [Fact]
    public void The_schema_rejects_unknown_keys_at_every_level()
    {
        var schema = ValuesSchema.Build();

        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        foreach (var section in new[] { "defaults", "images", "kataDeploy" })
            Assert.False(schema["properties"]![section]!["additionalProperties"]!.GetValue<bool>());
        Assert.All(ChartValues.All, v => Assert.NotNull(Lookup(schema, v.Segments)));
    }

    private static JsonNode? Lookup(JsonObject schema, string[] segments)
    {
        JsonNode? node = schema;
        foreach (var segment in segments)
            node = node?["properties"]?[segment];
        return node;
    }
}
