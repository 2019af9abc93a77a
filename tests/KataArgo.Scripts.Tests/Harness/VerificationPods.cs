using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>Verification pod manifests, and what <c>kubectl create --dry-run=client -o json -f</c> prints for them.</summary>
public static partial class VerificationPods
{
    /// <summary>The mission's CUDA example: no unschedulable toleration.</summary>
    public const string Cuda = KataArgo.Testing.Samples.CudaVerificationPod;

    public const string Tolerating = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
          labels:
            purpose: kata-check-${NODE}
        spec:
          runtimeClassName: kata-qemu
          restartPolicy: Never
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchFields:
                  - key: metadata.name
                    operator: In
                    values: ["${NODE}"]
          tolerations:
          - key: node.kubernetes.io/unschedulable
            operator: Exists
            effect: NoSchedule
          containers:
          - name: check
            image: busybox:1.36
            command: ["sh", "-c", "echo checking ${NODE} as ${TEST_POD}"]
        """;

    public const string NotPinned = KataArgo.Testing.Samples.UnpinnedVerificationPod;

    public const string NotAPod = KataArgo.Testing.Samples.ConfigMapManifest;

    /// <summary>The harness's own manifests (the rules' cases are tests/cases/verification-pod.json, registered per test).</summary>
    public static readonly IReadOnlyList<string> All = [Cuda, Tolerating, NotPinned, NotAPod];

    public static string Base64(string yaml) => Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml));

    /// <summary>
    /// The double's table entry for a manifest, keyed by the sha256 of its bytes, as kubectl 1.35
    /// reads the file (DoubleContractTests compares it with the real kubectl): documents split at
    /// lines starting with <c>---</c> (k8s.io/apimachinery's YAMLReader: only a comment may follow;
    /// anything else is an error), a document of only comments or <c>null</c> skipped (cli-runtime's
    /// StreamVisitor), a v1 List flattened to its items (create's Flatten), each object printed as
    /// JSON one after the other with <c>metadata.namespace</c> set to its context's namespace when
    /// the manifest has none ("default" in the contract tests' kubeconfig, the pod's own namespace in
    /// a workflow pod). No object at all is kubectl's "no objects passed to create".
    /// </summary>
    public static (string Sha256, JsonObject Conversion) Conversion(string yaml)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
        var objects = new List<JsonObject>();
        foreach (var chunk in Separator().Split(yaml))
        {
            if (StrayMarker().Match(chunk) is { Success: true } stray)
                return (sha, Failure($"error: error parsing {File}: invalid Yaml document separator: {stray.Groups[1].Value.Trim()}"));
            JsonNode? root;
            try
            {
                root = ArgoYaml.Load(chunk);
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
            {
                return (sha, Failure($"error: error parsing {File}: error converting YAML to JSON: yaml: {e.Message.ReplaceLineEndings(" ")}"));
            }
            if (root is null)
                continue;
            if (root is not JsonObject obj)
                return (sha, Failure($"error: error parsing {File}: json: cannot unmarshal into Go value of type map[string]interface {{}}"));
            var items = obj["kind"]?.ToString() == "List" && obj["apiVersion"]?.ToString() == "v1"
                ? (obj["items"] as JsonArray ?? []).Select(i => i as JsonObject ?? []).ToList()
                : [obj];
            foreach (var item in items)
            {
                foreach (var field in new[] { "apiVersion", "kind" })
                    if (item[field] is null)
                        return (sha, Failure($"error: error validating \"{File}\": error validating data: {field} not set; if you choose to ignore these errors, turn validation off with --validate=false"));
                objects.Add(item.DeepClone().AsObject());
            }
        }
        if (objects.Count == 0)
            return (sha, Failure("error: no objects passed to create"));
        var text = new StringBuilder();
        foreach (var obj in objects)
        {
            if (obj["metadata"] is JsonObject metadata && metadata["namespace"] is null)
                metadata["namespace"] = "default";
            text.Append(obj.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })).Append('\n');
        }
        return (sha, new JsonObject { ["exit"] = 0, ["stdout"] = text.ToString() });
    }

    /// <summary>The name preflight gives the decoded manifest (lib.sh's verification_pod_json).</summary>
    private const string File = "verification-pod.yaml";

    private static JsonObject Failure(string stderr) => new() { ["exit"] = 1, ["stderr"] = stderr + "\n" };

    [GeneratedRegex(@"(?m)^---[ \t\r]*(?:#.*)?$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"(?m)^---(.*)$")]
    private static partial Regex StrayMarker();
}
