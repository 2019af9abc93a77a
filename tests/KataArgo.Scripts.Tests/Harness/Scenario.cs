using KataArgo.Lifecycle;

namespace KataArgo.Scripts.Tests.Harness;

/// <summary>The common setting of the tests: nodes on kata-deploy 3.29.0, upgraded to 3.30.0.</summary>
public static class Scenario
{
    public const string From = "3.29.0";
    public const string Target = "3.30.0";
    public const string Run = "kata-upgrade-x7k2p";
    public static readonly string[] Nodes = ["node-a", "node-b", "node-c"];

    public static Cluster ThreeNodes() => Cluster.WithNodes(Nodes).WithRelease(From);

    public static Cluster TwoNodes() => Cluster.WithNodes("node-a", "node-b").WithRelease(From);

    /// <summary>Submitted workflow parameters: the target and the mission's verification pod, plus extras.</summary>
    public static Dictionary<string, string> Parameters(params (string Name, string Value)[] extra)
    {
        var parameters = new Dictionary<string, string>
        {
            ["target-version"] = Target,
            ["verification-pod"] = VerificationPods.Base64(VerificationPods.Cuda),
        };
        foreach (var (name, value) in extra)
            parameters[name] = value;
        return parameters;
    }

    public static WorkflowSimulator Simulator(Sandbox sandbox) => new(sandbox, WorkflowSimulator.Rendered());

    public static WorkflowRun Upgrade(Sandbox sandbox, params (string Name, string Value)[] extra) =>
        Simulator(sandbox).Run(Parameters(extra));

    /// <summary>
    /// Runs select-nodes.sh (the plan of every node running kata-deploy) and stage.sh as the run
    /// would, so a per-node step finds its node planned and the run staged.
    /// </summary>
    public static void Stage(Sandbox sandbox)
    {
        var select = sandbox.Run("select-nodes.sh", Env());
        Assert.True(select.Succeeded, select.ToString());
        var stage = sandbox.Run("stage.sh", Env(("RELEASE_REVISION", "1"), ("UPDATE_STRATEGY", "{}")));
        Assert.True(stage.Succeeded, stage.ToString());
    }

    /// <summary>The environment the template gives a step, for running one script on its own.</summary>
    public static Dictionary<string, string> Env(params (string Name, string Value)[] values)
    {
        var env = new Dictionary<string, string>
        {
            ["RUN"] = Run,
            ["RUN_UID"] = "0b7c6a52-3c1e-4d8e-9a6f-2f1d5e4c3b2a",
            ["WORKFLOW_NAMESPACE"] = "argo",
            ["TARGET_VERSION"] = Target,
            ["FROM_VERSION"] = From,
            ["HELM_RELEASE"] = Cluster.DefaultRelease,
            ["HELM_NAMESPACE"] = Cluster.DefaultNamespace,
            ["KATA_DEPLOY_CHART"] = WorkflowParameters.DefaultKataDeployChart,
            ["DAEMONSET"] = "kata-deploy",
            ["NODE_SELECTOR"] = "",
            ["NODE_TAINT_KEY"] = "",
            ["NODE_TAINT_VALUE"] = "",
            ["NODES"] = "",
            ["VERIFICATION_NAMESPACE"] = "default",
            ["VERIFICATION_POD"] = VerificationPods.Base64(VerificationPods.Cuda),
            ["VERIFICATION_TIMEOUT"] = "10m",
            ["RECYCLE_TIMEOUT"] = "15m",
            ["DRAIN_ENABLED"] = "false",
            ["DRAIN_TIMEOUT"] = "300s",
            ["DRY_RUN"] = "false",
            ["HELM_IMAGE"] = WorkflowParameters.DefaultImage,
            ["KUBECTL_IMAGE"] = WorkflowParameters.DefaultImage,
        };
        foreach (var (name, value) in values)
            env[name] = value;
        return env;
    }
}
