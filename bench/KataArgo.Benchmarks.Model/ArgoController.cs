namespace KataArgo.Benchmarks.Model;

/// <summary>
/// The Argo Workflows controller this model follows, and every size limit it reports against,
/// each with where it was read. Argo source: github.com/argoproj/argo-workflows at tag v4.1.2
/// (the version whose schema the chart is validated against in ../shared/argo-workflows/v4.1.2);
/// v3.7.18 was compared for the same behaviour where noted.
/// <list type="bullet">
/// <item><c>workflow/controller/operator.go</c>: <c>executeTemplate</c> (Retry parent over
/// <c>name(0)</c>, inputs copied to Steps/Retry/Pod nodes), <c>initializeNode</c> (the fields a new
/// node gets; displayName is the name minus its boundary node's name and a leading <c>[i].</c>),
/// <c>processNodeRetries</c> (the Retry parent copies its last child's outputs),
/// <c>getOutboundNodes</c>, <c>addChildNode</c>, <c>podReconciliation</c> (hostNodeName, progress
/// <c>0/1</c>, <c>outputs.exitCode</c>, <c>resourcesDuration</c>), <c>generateNodeName</c>
/// (<c>name(i:item)</c>), <c>operate</c> (root node named after the Workflow, exit handler
/// <c>NAME.onExit</c> flagged <c>hooked</c>), <c>setStoredWfSpec</c> (the whole merged spec is kept in
/// <c>status.storedWorkflowTemplateSpec</c>), <c>persistUpdates</c> (resource durations and progress
/// are summed, then the Workflow is dehydrated).</item>
/// <item><c>workflow/controller/steps.go</c>: <c>executeSteps</c> (StepGroup <c>NAME[i]</c>, the next
/// group becomes a child of every outbound node of the previous one), <c>executeStepGroup</c>
/// (Skipped node with <c>when '…' evaluated false</c>, flag <c>{}</c>), <c>expandStepGroup</c>
/// (<c>Skipped, empty params</c>), <c>expandStep</c>/<c>processItem</c>.</item>
/// <item><c>pkg/apis/workflow/v1alpha1/workflow_types.go</c>: <c>Workflow.NodeID</c> (FNV-1a 32 of the
/// node name), the <c>NodeStatus</c> and <c>WorkflowStatus</c> field order.</item>
/// <item><c>workflow/progress/updater.go</c>, <c>util/resource/updater.go</c>,
/// <c>util/resource/duration.go</c>: progress and resource durations of non-pod nodes are sums over
/// every node reachable through <c>children</c>.</item>
/// <item><c>workflow/hydrator/hydrator.go</c>, <c>workflow/packer/packer.go</c>: when
/// <c>json.Marshal(workflow)</c> exceeds <c>MAX_WORKFLOW_SIZE</c> (default 1 MiB) the nodes are
/// replaced by <c>status.compressedNodes</c>; still too large is an error (no offloading
/// configured) and the run is marked Error.</item>
/// <item><c>util/file/fileutil.go</c>: <c>CompressEncodeString</c> = base64(gzip(json)), gzip by
/// klauspost/pgzip at its default level (5).</item>
/// <item><c>workflow/controller/workflowpod.go</c>: each pod gets <c>ARGO_TEMPLATE</c> (the processed
/// template without input parameters) and annotations <c>workflows.argoproj.io/node-name</c> and
/// <c>node-id</c>; <c>ARGO_TEMPLATE</c> or args over <c>common.MaxEnvVarLen</c> (128 KiB) move to a
/// ConfigMap. <c>workflow/util/pod_name.go</c>: v2 pod names.</item>
/// <item>Argo itself limits no parameter value (<c>workflow/validate/validate.go</c> checks names, up to
/// 128 characters); a value is bounded by the objects it is stored in: the Workflow, the
/// WorkflowTaskResult that reports it, a pod's environment or <c>ARGO_TEMPLATE</c>. Only a script's
/// <c>outputs.result</c> is cut, to its last 256 kB.</item>
/// </list>
/// </summary>
public static class ArgoController
{
    public const string Version = "v4.1.2";

    /// <summary>Default <c>MAX_WORKFLOW_SIZE</c> (workflow/packer/packer.go).</summary>
    public static readonly SizeLimit WorkflowSize = new("Workflow object (MAX_WORKFLOW_SIZE)", 1 << 20,
        "argo-workflows v4.1.2 workflow/packer/packer.go: default 1024*1024, compared with json.Marshal(workflow)");

    /// <summary>Linux <c>MAX_ARG_STRLEN</c>: one argv or environment string, <c>NAME=value</c> and its NUL included.</summary>
    public static readonly SizeLimit EnvironmentString = new("one env var or argument (Linux MAX_ARG_STRLEN)", 32 * 4096,
        "linux include/uapi/linux/binfmts.h: MAX_ARG_STRLEN = PAGE_SIZE * 32; execve fails with E2BIG");

    /// <summary>Argo moves ARGO_TEMPLATE or args longer than this into a ConfigMap (workflow/common/common.go).</summary>
    public static readonly SizeLimit ArgoTemplateEnv = new("ARGO_TEMPLATE inline (Argo MaxEnvVarLen)", 131072,
        "argo-workflows v4.1.2 workflow/common/common.go MaxEnvVarLen; larger values are offloaded to a ConfigMap");

    /// <summary>All annotations of one object together (k8s.io/apimachinery validation TotalAnnotationSizeLimitB).</summary>
    public static readonly SizeLimit Annotations = new("annotations of one object", 256 * 1024,
        "k8s.io/apimachinery pkg/api/validation/objectmeta.go TotalAnnotationSizeLimitB");

    /// <summary>ConfigMap data (kubernetes pkg/apis/core/validation, MaxSecretSize).</summary>
    public static readonly SizeLimit ConfigMap = new("ConfigMap data", 1 << 20,
        "kubernetes pkg/apis/core/validation/validation.go ValidateConfigMap: total data ≤ core.MaxSecretSize (1 MiB)");

    /// <summary>etcd's default request limit, which bounds any one stored object.</summary>
    public static readonly SizeLimit EtcdObject = new("any stored object (etcd --max-request-bytes)", 1536 * 1024,
        "etcd default --max-request-bytes 1.5 MiB (embed.DefaultMaxRequestBytes)");

    /// <summary>What the executor keeps of a script's stdout as <c>outputs.result</c> (workflow/executor/executor.go).</summary>
    public static readonly SizeLimit ScriptResult = new("script outputs.result (truncated)", 256 * 1024,
        "argo-workflows v4.1.2 workflow/executor/executor.go CaptureScriptResult: last 256 kB kept");
}

/// <summary>A size limit in bytes and where it comes from.</summary>
public sealed record SizeLimit(string Name, long Bytes, string Source);
