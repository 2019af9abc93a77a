using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.RealHelm;

/// <summary>The steps of one run, wired as the template wires them (outputs of preflight into stage, finish and cleanup).</summary>
public sealed class RealRun(RealCluster cluster, string target)
{
    public const string Run = "kata-upgrade-r3a1x";
    public const string RunUid = "4f1e2d3c-5b6a-4789-8a9b-0c1d2e3f4a5b";

    private IReadOnlyDictionary<string, string>? _preflighted;

    /// <summary>Preflight's outputs (set by <see cref="Preflight"/>, or given for a copy of a cluster).</summary>
    public IReadOnlyDictionary<string, string> Preflighted { get => _preflighted ?? throw new InvalidOperationException("preflight has not run"); init => _preflighted = value; }

    public static RealTool Helm(string name) => name == RealTool.Helm3.Name ? RealTool.Helm3 : RealTool.Helm4;

    /// <summary>The template's environment of preflight, with the cluster's chart reference.</summary>
    public Dictionary<string, string> PreflightEnv(params (string Name, string Value)[] overrides)
    {
        var env = new Dictionary<string, string>
        {
            ["RUN"] = Run, ["WORKFLOW_NAMESPACE"] = RealCluster.WorkflowNamespace, ["TARGET_VERSION"] = target, ["HELM_RELEASE"] = RealCluster.Release, ["HELM_NAMESPACE"] = RealCluster.HelmNamespace,
            ["KATA_DEPLOY_CHART"] = cluster.Chart, ["NODE_SELECTOR"] = "", ["NODE_TAINT_KEY"] = "", ["NODE_TAINT_VALUE"] = "", ["NODES"] = "",
            ["VERIFICATION_NAMESPACE"] = RealCluster.VerificationNamespace, ["VERIFICATION_POD"] = VerificationPods.Base64(VerificationPods.Cuda),
            ["VERIFICATION_TIMEOUT"] = "10m", ["RECYCLE_TIMEOUT"] = "15m", ["DRAIN_ENABLED"] = "false", ["DRAIN_TIMEOUT"] = "300s",
            ["DRY_RUN"] = "false", ["HELM_IMAGE"] = WorkflowParameters.DefaultImage, ["KUBECTL_IMAGE"] = WorkflowParameters.DefaultImage,
        };
        foreach (var (name, value) in overrides)
            env[name] = value;
        return env;
    }

    public StepResult Preflight(params (string Name, string Value)[] overrides)
    {
        var result = cluster.Step("preflight.sh", PreflightEnv(overrides));
        if (result.Succeeded)
            _preflighted = result.Outputs;
        return result;
    }

    private Dictionary<string, string> Common() => new()
    {
        ["RUN"] = Run, ["RUN_UID"] = RunUid, ["WORKFLOW_NAMESPACE"] = RealCluster.WorkflowNamespace,
        ["HELM_RELEASE"] = RealCluster.Release, ["HELM_NAMESPACE"] = RealCluster.HelmNamespace, ["KATA_DEPLOY_CHART"] = cluster.Chart,
        ["TARGET_VERSION"] = target, ["VERIFICATION_NAMESPACE"] = RealCluster.VerificationNamespace,
        ["DRAIN_ENABLED"] = "false", ["DRAIN_TIMEOUT"] = "300s",
    };

    public StepResult Stage()
    {
        var env = Common();
        env["RELEASE_REVISION"] = Preflighted["release-revision"];
        env["FROM_VERSION"] = Preflighted["from-version"];
        env["DAEMONSET"] = Preflighted["daemonset"];
        env["UPDATE_STRATEGY"] = Preflighted["update-strategy"];
        env["INSTALL_LABELS"] = Preflighted.GetValueOrDefault("install-labels", "");
        env["NODES_PLANNED"] = new JsonArray([.. RealCluster.Nodes.Select(n => (JsonNode)n)]).ToJsonString();
        return cluster.Step("stage.sh", env);
    }

    public StepResult Finish()
    {
        var env = Common();
        env["RELEASE_REVISION"] = Preflighted["release-revision"];
        env["DAEMONSET"] = Preflighted["daemonset"];
        return cluster.Step("finish.sh", env);
    }

    /// <summary>The exit handler of a failed run.</summary>
    public StepResult Cleanup() => cluster.Step("cleanup.sh", new Dictionary<string, string>
    {
        ["MODE"] = "exit", ["RUN"] = Run, ["WORKFLOW_STATUS"] = "Failed", ["WORKFLOW_NAMESPACE"] = RealCluster.WorkflowNamespace,
        ["RECYCLE_TIMEOUT"] = "15m", ["NODE_NAME"] = "",
    });
}
