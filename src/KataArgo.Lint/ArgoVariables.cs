using System.Text.RegularExpressions;

namespace KataArgo.Lint;

/// <summary>
/// Argo's <c>{{...}}</c> variables, as read from argo-workflows v4.1.2 util/variables/keys/*.go
/// (the catalog) and workflow/validate/validate.go (which names it checks, where); v3.7.18's
/// validate.go defines the same names and scopes.
/// </summary>
internal static partial class ArgoVariables
{
    /// <summary>Argo checks only variables starting with one of these (common.GlobalVarValidWorkflowVariablePrefix); it leaves others as written.</summary>
    public static readonly string[] CheckedPrefixes = ["item.", "steps.", "inputs.", "outputs.", "pod.", "workflow.", "tasks."];

    /// <summary>workflow.X with exactly this X.</summary>
    public static readonly HashSet<string> WorkflowScalars =
    [
        "name", "namespace", "uid", "mainEntrypoint", "serviceAccountName", "priority", "status", "duration",
        "failures", "scheduledTime", "creationTimestamp", "parameters", "labels", "annotations",
    ];

    /// <summary>workflow.X.anything: creationTimestamp.&lt;strftime&gt;, labels.&lt;name&gt;, annotations.&lt;name&gt; (and .json).</summary>
    public static readonly HashSet<string> WorkflowMaps = ["creationTimestamp", "labels", "annotations"];

    /// <summary>Template-local variables with no declaration to check: pod.name, node.name, retries, lastRetry.*.</summary>
    public static readonly HashSet<string> TemplateLocalRoots = ["pod", "node", "retries", "lastRetry"];

    /// <summary>What a steps.NAME. or tasks.NAME. reference may read besides outputs.</summary>
    public static readonly HashSet<string> NodeFields = ["id", "status", "startedAt", "finishedAt", "ip", "hostNodeName", "exitCode"];

    /// <summary>Variables of the node a metric is emitted for (keys/metrics.go), defined only under metrics.prometheus.</summary>
    public static readonly HashSet<string> MetricRoots = ["status", "duration", "exitCode", "resourcesDuration"];

    /// <summary>Templates that produce outputs.result and exitCode (Template.HasOutput in workflow_types.go).</summary>
    public static readonly string[] ResultTemplateTypes = ["container", "script", "data", "http", "plugin"];

    /// <summary>True for text that reads as an Argo variable name, not some other {{ }} templating (Go templates, Jinja).</summary>
    public static bool LooksLikeVariable(string text) => VariableName().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex VariableName();
}
