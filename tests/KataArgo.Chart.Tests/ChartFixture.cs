using System.Text.Json.Nodes;
using KataArgo.Chart;
using KataArgo.Testing;

namespace KataArgo.Chart.Tests;

internal static class ChartFixture
{
    public static string CommittedChart => Repo.Path("charts", "kata-lifecycle-manager");

    /// <summary>Values a platform engineer might set, exercising every binding.</summary>
    public const string CustomValues = """
        argoNamespace: workflows
        defaults:
          helmRelease: kata-gpu
          helmNamespace: kata-system
          kataDeployChart: oci://mirror.example.com/charts/kata-deploy
          nodeSelector: nvidia.com/gpu.present=true
          nodeTaintKey: nvidia.com/gpu
          nodeTaintValue: present
          verificationNamespace: kata-checks
          verificationTimeout: 20m
          recycleTimeout: 30m
          drainEnabled: true
          drainTimeout: 15m
          activeDeadlineSeconds: 86400
        kataDeploy:
          multiInstallSuffix: gpu
        images:
          helm: registry.example.com/tools/k8s:1.32.4
          kubectl: registry.example.com/tools/k8s@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        """;

    /// <summary>Values from YAML files only (the verification pod among them), as `kata-argo template -f ...` reads them.</summary>
    public static JsonObject ValuesOf(params string[] files) => ChartValuesLoader.Load(new ChartValuesLoader.Sources
    {
        Files = [.. files.Select((f, i) => ($"values-{i}.yaml", f))],
    });

    public static JsonObject Values(params string[] files) => ChartValuesLoader.Load(new ChartValuesLoader.Sources
    {
        Files = [.. files.Select((f, i) => ($"values-{i}.yaml", f))],
        SetFile = [(ChartValues.VerificationPodPath, Samples.CudaVerificationPod)],
    });
}
