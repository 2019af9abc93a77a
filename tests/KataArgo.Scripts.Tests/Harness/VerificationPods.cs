using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>Verification pod manifests, and what <c>kubectl create --dry-run=client -o json -f</c> prints for them.</summary>
public static class VerificationPods
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

    public const string WithoutNode = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
        spec:
          restartPolicy: Never
          nodeName: node-a
          containers:
          - name: check
            image: busybox:1.36
        """;

    public const string NotAPod = KataArgo.Testing.Samples.ConfigMapManifest;

    public const string TwoPods = Cuda + "\n---\n" + Tolerating;

    public const string RestartsForever = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
        spec:
          nodeName: ${NODE}
          containers:
          - name: check
            image: busybox:1.36
        """;

    public const string Unreadable = "just: some\nyaml: [that is not a manifest\n";

    public static readonly IReadOnlyList<string> All = [Cuda, Tolerating, NotPinned, WithoutNode, NotAPod, TwoPods, RestartsForever, Unreadable];

    public static string Base64(string yaml) => Convert.ToBase64String(Encoding.UTF8.GetBytes(yaml));

    /// <summary>
    /// The double's table entry for a manifest, keyed by the sha256 of its bytes: kubectl prints
    /// each object as JSON, one after the other, with <c>metadata.namespace</c> set to its context's
    /// namespace when the manifest has none (kubectl 1.35; "default" in the contract tests'
    /// kubeconfig, the pod's own namespace in a workflow pod).
    /// </summary>
    public static (string Sha256, JsonObject Conversion) Conversion(string yaml)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = ArgoYaml.LoadAll(yaml);
        }
        catch (Exception)
        {
            return (sha, new JsonObject
            {
                ["exit"] = 1,
                ["stderr"] = "error: error parsing verification-pod.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'\n",
            });
        }
        var text = new StringBuilder();
        foreach (var document in documents)
        {
            var obj = document.Root!.AsObject();
            if (obj["metadata"] is JsonObject metadata && metadata["namespace"] is null)
                metadata["namespace"] = "default";
            text.Append(obj.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })).Append('\n');
        }
        return (sha, new JsonObject { ["exit"] = 0, ["stdout"] = text.ToString() });
    }
}
