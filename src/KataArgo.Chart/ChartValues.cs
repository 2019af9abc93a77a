using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using P = KataArgo.Lifecycle.WorkflowParameters;

namespace KataArgo.Chart;

/// <summary>
/// One chart value: its default, its description (comment in values.yaml, row in the README), its
/// JSON schema, and where it flows into the WorkflowTemplate.
/// </summary>
public sealed record ChartValue(string Path, JsonNode? Default, string Description, JsonObject Schema)
{
    /// <summary>The workflow parameter whose default this value sets, if any.</summary>
    public WorkflowParameter? Parameter { get; init; }

    /// <summary>Turns the value into the parameter's default text (booleans to "true"/"false").</summary>
    public Func<JsonNode?, string> ToParameterValue { get; init; } = v => v?.ToString() ?? "";

    /// <summary>The accepted form in words, for values not checked by a workflow parameter's rules.</summary>
    public string? Accepted { get; init; }

    /// <summary>The Helm expression that renders the parameter default from .Values.</summary>
    public string? HelmExpression { get; init; }

    public string[] Segments => Path.Split('.');
}

/// <summary>Every value of the kata-lifecycle-manager chart, upstream-compatible names first.</summary>
public static class ChartValues
{
    public const string VerificationPodPath = "defaults.verificationPod";
    public const string ActiveDeadlinePath = "defaults.activeDeadlineSeconds";
    public const string KataDeploySuffixPath = "kataDeploy.multiInstallSuffix";

    public static readonly IReadOnlyList<ChartValue> All =
    [
        new("argoNamespace", "argo", "Namespace where Argo Workflows runs; the WorkflowTemplate, its ServiceAccount and run records live here.",
            Schema.DnsLabel()) { Accepted = "a namespace name: lowercase letters, digits and '-' (at most 63)" },
        Parameter("defaults.helmRelease", P.HelmRelease, Schema.Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", 53)),
        Parameter("defaults.helmNamespace", P.HelmNamespace, Schema.DnsLabel()),
        Parameter("defaults.kataDeployChart", P.KataDeployChart, Schema.Pattern(@"^((oci|https?)://[A-Za-z0-9._~:/@%+-]+|[A-Za-z0-9._-]+/[A-Za-z0-9._-]+)$", 512)),
        Parameter("defaults.nodeSelector", P.NodeSelector, Schema.Pattern(ParameterRules.SelectorPattern, 8192)),
        Parameter("defaults.nodeTaintKey", P.NodeTaintKey, Schema.Pattern("^(([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", 253)),
        Parameter("defaults.nodeTaintValue", P.NodeTaintValue, Schema.Pattern("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$", 63)),
        Parameter("defaults.nodes", P.Nodes, Schema.Patterns(ParameterRules.NodeListPatterns, 8192)),
        Parameter("defaults.verificationNamespace", P.VerificationNamespace, Schema.DnsLabel()),
        new(VerificationPodPath, "",
            "Required. The verification Pod manifest (YAML), usually --set-file defaults.verificationPod=pod.yaml; " +
            "${NODE} and ${TEST_POD} are substituted per node, and it must be pinned to ${NODE}.",
            Schema.String(ParameterRules.MaxVerificationPodBase64 / 4 * 3))
        {
            Parameter = P.VerificationPod,
            ToParameterValue = v => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? "")),
            HelmExpression = "{{ include \"kata-lifecycle-manager.verificationPod\" . | quote }}",
        },
        Parameter("defaults.verificationTimeout", P.VerificationTimeout, Schema.Duration(P.VerificationTimeout)),
        Parameter("defaults.recycleTimeout", P.RecycleTimeout, Schema.Duration(P.RecycleTimeout)),
        new("defaults.drainEnabled", false, P.DrainEnabled.Description, Schema.Boolean())
        {
            Parameter = P.DrainEnabled,
            ToParameterValue = v => v?.GetValue<bool>() == true ? "true" : "false",
            HelmExpression = "{{ .Values.defaults.drainEnabled | toString | quote }}",
        },
        Parameter("defaults.drainTimeout", P.DrainTimeout, Schema.Duration(P.DrainTimeout)),
        new(ActiveDeadlinePath, 48 * 3600,
            "Deadline of a whole run in seconds (spec.activeDeadlineSeconds; Argo types it as an integer, so it is a chart value, not a workflow parameter).",
            Schema.Integer(60, 30 * 24 * 3600)) { Accepted = "a whole number of seconds from 60 to 2592000 (30 days)" },
        new(KataDeploySuffixPath, "",
            "kata-deploy's env.multiInstallSuffix, if its release uses one: the RBAC names kata-deploy's own objects with it.",
            Schema.Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$", 32)) { Accepted = "empty, or lowercase letters, digits and '-' (at most 32)" },
        Parameter("images.helm", P.HelmImage, Schema.Image()),
        Parameter("images.kubectl", P.KubectlImage, Schema.Image()),
    ];

    public static ChartValue Get(string path) => All.First(v => v.Path == path);

    private static ChartValue Parameter(string path, WorkflowParameter parameter, JsonObject schema) =>
        new(path, parameter.Default, parameter.Description, schema)
        {
            Parameter = parameter,
            HelmExpression = $"{{{{ .Values.{path} | quote }}}}",
        };

    /// <summary>The default values as one nested object (the content of values.yaml).</summary>
    public static JsonObject Defaults()
    {
        var root = new JsonObject();
        foreach (var value in All)
            Set(root, value.Segments, value.Default?.DeepClone());
        return root;
    }

    public static JsonNode? Lookup(JsonObject values, ChartValue value) => Lookup(values, value.Path);

    /// <summary>The value at a dotted path (<c>defaults.helmRelease</c>), or null where any part is missing.</summary>
    public static JsonNode? Lookup(JsonObject values, string path)
    {
        JsonNode? node = values;
        foreach (var segment in path.Split('.'))
            node = node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child) ? child : null;
        return node;
    }

    internal static void Set(JsonObject root, IReadOnlyList<string> segments, JsonNode? value)
    {
        var node = root;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            if (node[segment] is not JsonObject child)
                node[segment] = child = new JsonObject();
            node = child;
        }
        node[segments[^1]] = value;
    }

    private static class Schema
    {
        public static JsonObject String(int maxLength) => new() { ["type"] = "string", ["maxLength"] = maxLength };

        public static JsonObject Pattern(string pattern, int maxLength) =>
            new() { ["type"] = "string", ["pattern"] = pattern, ["maxLength"] = maxLength };

        public static JsonObject DnsLabel() => new()
        {
            ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 63,
            ["pattern"] = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        };

        /// <summary>Each value a regex built by ParameterRules, so Helm refuses what kata-argo and preflight refuse.</summary>
        public static JsonObject Patterns(IEnumerable<string> patterns, int maxLength) => new()
        {
            ["type"] = "string", ["maxLength"] = maxLength,
            ["allOf"] = new JsonArray([.. patterns.Select(p => (JsonNode)new JsonObject { ["pattern"] = p })]),
        };

        /// <summary>Positive, at most the parameter's maximum, in ParameterRules' accepted form.</summary>
        public static JsonObject Duration(WorkflowParameter parameter) => new()
        {
            ["type"] = "string",
            ["pattern"] = ParameterRules.DurationPattern(parameter.MaxDuration!.Value),
        };

        public static JsonObject Boolean() => new() { ["type"] = "boolean" };

        public static JsonObject Integer(int minimum, int maximum) =>
            new() { ["type"] = "integer", ["minimum"] = minimum, ["maximum"] = maximum };

        /// <summary>Pinned image references: a tag or digest is required and :latest is refused.</summary>
        public static JsonObject Image() => new()
        {
            ["type"] = "string", ["maxLength"] = 512,
            ["pattern"] = "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}@sha256:[a-f0-9]{64})$",
            ["not"] = new JsonObject { ["pattern"] = ":latest$" },
        };
    }
}
