namespace KataArgo.Testing;

/// <summary>Inputs shared by tests.</summary>
public static class Samples
{
    /// <summary>The mission's GPU example, which has no unschedulable toleration.</summary>
    public const string CudaVerificationPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
        spec:
          runtimeClassName: kata-qemu-nvidia-gpu-snp # or kata-qemu-nvidia-gpu-tdx
          restartPolicy: Never
          nodeSelector:
            kubernetes.io/hostname: ${NODE}
          containers:
          - name: cuda-vectoradd
            image: nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0-ubuntu22.04
            resources:
              limits:
                nvidia.com/pgpu: "1"
                memory: 16Gi

        """;

    /// <summary>A Pod that names ${NODE} but is not pinned to it (bad-input value @not-pinned).</summary>
    public const string UnpinnedVerificationPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ${TEST_POD}
          annotations:
            node: ${NODE}
        spec:
          restartPolicy: Never
          containers:
          - name: check
            image: busybox:1.36
        """;

    /// <summary>Not a Pod (bad-input value @not-a-pod).</summary>
    public const string ConfigMapManifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ${TEST_POD}
        data:
          node: ${NODE}
        """;
}
