using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle;

/// <summary>What a workflow parameter holds; decides its validation and its UI control.</summary>
public enum ParameterKind
{
    Version,
    Boolean,
    Duration,
    ReleaseName,
    Namespace,
    LabelSelector,
    TaintKey,
    TaintValue,
    NodeList,
    NodeName,
    RunName,
    Image,
    ChartReference,
    VerificationPod,
}

/// <summary>One workflow parameter: the interface of the WorkflowTemplate, upstream-compatible names first.</summary>
public sealed record WorkflowParameter(string Name, ParameterKind Kind, string Default, string Description)
{
    /// <summary>Values offered as a drop-down in the Argo UI.</summary>
    public IReadOnlyList<string>? Choices => Kind == ParameterKind.Boolean ? ["true", "false"] : null;

    /// <summary>Upper bound of a duration parameter; the step's own deadline is set above it.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>The workflow variable that reads this parameter.</summary>
    public string Reference => "{{workflow.parameters." + Name + "}}";

    /// <summary>Null when the value is acceptable, else why not (names the value and the accepted form).</summary>
    public string? Validate(string value) => ParameterRules.Check(this, value);
}

public static class WorkflowParameters
{
    public const string DefaultImage = "docker.io/alpine/k8s:1.32.4";
    public const string DefaultKataDeployChart = "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy";

    public static readonly WorkflowParameter TargetVersion = new("target-version", ParameterKind.Version, "",
        "kata-deploy chart version to upgrade to, X.Y.Z[-suffix] (required; 3.29.0 or newer)");
    public static readonly WorkflowParameter HelmRelease = new("helm-release", ParameterKind.ReleaseName, "kata-deploy",
        "Helm release of kata-deploy to upgrade");
    public static readonly WorkflowParameter HelmNamespace = new("helm-namespace", ParameterKind.Namespace, "kube-system",
        "namespace of the kata-deploy Helm release");
    public static readonly WorkflowParameter KataDeployChart = new("kata-deploy-chart", ParameterKind.ChartReference, DefaultKataDeployChart,
        "kata-deploy chart reference for helm upgrade (oci://, https:// or repo/chart), for mirrors and air-gapped registries");
    public static readonly WorkflowParameter NodeSelector = new("node-selector", ParameterKind.LabelSelector, "",
        "label selector of the nodes to upgrade (empty: every node that runs kata-deploy)");
    public static readonly WorkflowParameter NodeTaintKey = new("node-taint-key", ParameterKind.TaintKey, "",
        "only nodes with a taint of this key (empty: no taint filter)");
    public static readonly WorkflowParameter NodeTaintValue = new("node-taint-value", ParameterKind.TaintValue, "",
        "with node-taint-key: only taints with this value (empty: any value)");
    public static readonly WorkflowParameter Nodes = new("nodes", ParameterKind.NodeList, "",
        "explicit comma-separated node names, instead of node-selector and taint (one node: a canary)");
    public static readonly WorkflowParameter VerificationNamespace = new("verification-namespace", ParameterKind.Namespace, "default",
        "namespace where the verification pod runs");
    public static readonly WorkflowParameter VerificationPod = new("verification-pod", ParameterKind.VerificationPod, "",
        "base64 of the verification Pod manifest; ${NODE} and ${TEST_POD} are substituted per node");
    public static readonly WorkflowParameter VerificationTimeout = new("verification-timeout", ParameterKind.Duration, "10m",
        "how long the verification pod may take to succeed on a node (whole hours, minutes and seconds such as 10m or 1h30m; at most 1h)") { MaxDuration = TimeSpan.FromHours(1) };
    public static readonly WorkflowParameter RecycleTimeout = new("recycle-timeout", ParameterKind.Duration, "15m",
        "how long a node's new kata-deploy pod may take to become Ready (whole hours, minutes and seconds such as 10m or 1h30m; at most 1h)") { MaxDuration = TimeSpan.FromHours(1) };
    public static readonly WorkflowParameter DrainEnabled = new("drain-enabled", ParameterKind.Boolean, "false",
        "evict workloads from each node before upgrading it (eviction API, PodDisruptionBudgets respected)");
    public static readonly WorkflowParameter DrainTimeout = new("drain-timeout", ParameterKind.Duration, "300s",
        "how long a node drain may take (whole hours, minutes and seconds such as 300s or 1h30m; at most 2h)") { MaxDuration = TimeSpan.FromHours(2) };
    public static readonly WorkflowParameter DryRun = new("dry-run", ParameterKind.Boolean, "false",
        "stop after printing the plan; nothing is changed");
    public static readonly WorkflowParameter HelmImage = new("helm-image", ParameterKind.Image, DefaultImage,
        "image of the steps that run helm (must contain bash, helm, kubectl and jq; pinned, never :latest)");
    public static readonly WorkflowParameter KubectlImage = new("kubectl-image", ParameterKind.Image, DefaultImage,
        "image of the steps that run kubectl (must contain bash, kubectl and jq; pinned, never :latest)");
    public static readonly WorkflowParameter Run = new("run", ParameterKind.RunName, "",
        "entrypoint recover: name of the workflow run to clean up after (e.g. one stopped by argo terminate)");
    public static readonly WorkflowParameter NodeName = new("node-name", ParameterKind.NodeName, "",
        "entrypoint rollback-node: the node to restore");

    /// <summary>Every parameter, in the order the Argo UI shows them.</summary>
    public static readonly IReadOnlyList<WorkflowParameter> All =
    [
        TargetVersion, HelmRelease, HelmNamespace, KataDeployChart, NodeSelector, NodeTaintKey, NodeTaintValue, Nodes,
        VerificationNamespace, VerificationPod, VerificationTimeout, RecycleTimeout, DrainEnabled, DrainTimeout, DryRun,
        HelmImage, KubectlImage, Run, NodeName,
    ];

    public static WorkflowParameter? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}

/// <summary>
/// The accepted forms of parameter values. The preflight script applies the same rules in the
/// cluster; tests run both against one table of cases.
/// </summary>
public static partial class ParameterRules
{
    public const int MaxLabelValue = 63;
    public const int MaxVerificationPodBase64 = 96 * 1024;
    public const int MinimumKataDeployMajor = 3;
    public const int MinimumKataDeployMinor = 29;

    public static string? Check(WorkflowParameter parameter, string value)
    {
        var name = parameter.Name;
        if (value.Length > MaxLength(parameter.Kind))
            return $"{name}: value is {value.Length} characters long; at most {MaxLength(parameter.Kind)} are accepted";
        return parameter.Kind switch
        {
            ParameterKind.Version when !VersionPattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a version; use X.Y.Z or X.Y.Z-suffix with numbers without leading zeros, e.g. 3.29.0",
            ParameterKind.Boolean when value is not ("true" or "false") =>
                $"{name}: '{Show(value)}' is not a boolean; use true or false",
            ParameterKind.Duration => CheckDuration(parameter, value),
            ParameterKind.ReleaseName when !ReleasePattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a Helm release name; use lowercase letters, digits and '-' (at most 53)",
            ParameterKind.Namespace when !DnsLabelPattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a namespace name; use lowercase letters, digits and '-' (at most 63)",
            ParameterKind.LabelSelector when !LabelSelectorText.IsValid(value) =>
                $"{name}: '{Show(value)}' is not a label selector; use key=value, key!=value, key, !key, key in (a,b), key notin (a,b) joined by ','",
            ParameterKind.TaintKey when value.Length > 0 && !QualifiedNamePattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a taint key; use [prefix/]name of letters, digits, '-', '_', '.'",
            ParameterKind.TaintValue when !LabelValuePattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a taint value; use letters, digits, '-', '_', '.' (at most 63)",
            ParameterKind.NodeList when value.Length > 0 && !value.Split(',').All(NodeNamePattern().IsMatch) =>
                $"{name}: '{Show(value)}' is not a comma-separated list of node names",
            ParameterKind.NodeName when value.Length > 0 && !NodeNamePattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a node name; use lowercase letters, digits, '-' and '.'",
            ParameterKind.RunName when value.Length > 0 && !NodeNamePattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a workflow name; use lowercase letters, digits, '-' and '.'",
            ParameterKind.RunName when value.Length > MaxLabelValue =>
                $"{name}: '{Show(value)}' is longer than {MaxLabelValue} characters, the limit of a label value",
            ParameterKind.Image => CheckImage(name, value),
            ParameterKind.ChartReference when !ChartPattern().IsMatch(value) =>
                $"{name}: '{Show(value)}' is not a chart reference; use oci://registry/path, https://... or repo/chart",
            ParameterKind.VerificationPod when value.Length > 0 && (!Base64Pattern().IsMatch(value) || value.Length % 4 != 0) =>
                $"{name}: the value is not base64; pass the Pod manifest encoded, e.g. -p {name}=$(base64 -w0 pod.yaml)",
            _ => null,
        };
    }

    /// <summary>
    /// Rules across parameters, as preflight applies them: an explicit node list excludes the
    /// selector and the taint, and a taint value needs its key. Null when consistent.
    /// </summary>
    public static string? CheckCombination(IReadOnlyDictionary<string, string> parameters)
    {
        string Value(WorkflowParameter p) => parameters.TryGetValue(p.Name, out var v) ? v : "";
        if (Value(WorkflowParameters.Nodes).Length > 0 && (Value(WorkflowParameters.NodeSelector).Length > 0 || Value(WorkflowParameters.NodeTaintKey).Length > 0))
            return "nodes: give either an explicit node list or node-selector/node-taint-key, not both";
        if (Value(WorkflowParameters.NodeTaintValue).Length > 0 && Value(WorkflowParameters.NodeTaintKey).Length == 0)
            return $"node-taint-value: '{Show(Value(WorkflowParameters.NodeTaintValue))}' needs node-taint-key; set the taint's key too";
        return null;
    }

    /// <summary>A DNS-1123 label: namespaces and the names kata-argo gives runs.</summary>
    public static bool IsDnsLabel(string name) => DnsLabelPattern().IsMatch(name);

    private static string? CheckImage(string name, string value)
    {
        if (!ImagePattern().IsMatch(value))
            return $"{name}: '{Show(value)}' is not an image reference; use registry/repository:tag or @sha256:digest";
        if (!value.Contains('@') && !ImageTagPattern().IsMatch(value))
            return $"{name}: '{Show(value)}' has no tag; pin a version, e.g. {WorkflowParameters.DefaultImage}";
        if (value.EndsWith(":latest", StringComparison.Ordinal))
            return $"{name}: '{Show(value)}' uses :latest; pin a version, e.g. {WorkflowParameters.DefaultImage}";
        return null;
    }

    /// <summary>A value as messages show it: on one line, newlines escaped as the scripts' die does.</summary>
    public static string Show(string value) => value.Replace("\n", "\\n").Replace("\r", "\\r");

    private static string Format(TimeSpan span) => span.TotalHours >= 1 && span.Minutes == 0 ? $"{(int)span.TotalHours}h" : $"{(int)span.TotalMinutes}m";

    private static int MaxLength(ParameterKind kind) => kind switch
    {
        // Passed as an environment variable, which Linux limits to 128 KiB.
        ParameterKind.VerificationPod => MaxVerificationPodBase64,
        // Versions and run names become node label values.
        ParameterKind.Version => MaxLabelValue,
        ParameterKind.NodeList or ParameterKind.LabelSelector => 8192,
        ParameterKind.Image or ParameterKind.ChartReference => 512,
        _ => 253,
    };

    /// <summary>Semantic versioning's X.Y.Z: no leading zeros (03.30.0 would sort and compare wrongly).</summary>
    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z]([0-9A-Za-z.-]*[0-9A-Za-z])?)?\z")]
    public static partial Regex VersionPattern();

    [GeneratedRegex(@"^(?=.{1,53}\z)[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex ReleasePattern();

    [GeneratedRegex(@"^(?=.{1,63}\z)[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"^(?=.{1,253}\z)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?\z")]
    private static partial Regex QualifiedNamePattern();

    [GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?\z")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+|__)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?\z")]
    private static partial Regex ImagePattern();

    [GeneratedRegex(@":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex ImageTagPattern();

    [GeneratedRegex(@"^((oci|https?)://[A-Za-z0-9._~:/@%+-]+|[A-Za-z0-9._-]+/[A-Za-z0-9._-]+)\z")]
    private static partial Regex ChartPattern();

    [GeneratedRegex(@"^[A-Za-z0-9+/]+={0,2}\z")]
    private static partial Regex Base64Pattern();
}
