using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// Values are data: a shell payload in any input is refused with one line, and nothing runs it,
/// not even the exit handler that follows.
/// </summary>
public sealed class InjectionTests
{
    public static readonly string[] Payloads =
    [
        "x\"; kubectl delete ns prod; echo \"",
        "$(reboot)",
        "`reboot`",
        "kata-deploy\nreboot",
    ];

    /// <summary>Every string workflow parameter preflight reads, by its environment variable.</summary>
    public static TheoryData<string, int> PreflightInputs()
    {
        var data = new TheoryData<string, int>();
        foreach (var env in new[]
        {
            "RUN", "TARGET_VERSION", "HELM_RELEASE", "HELM_NAMESPACE", "KATA_DEPLOY_CHART", "NODE_SELECTOR", "NODE_TAINT_KEY",
            "NODE_TAINT_VALUE", "NODES", "VERIFICATION_NAMESPACE", "VERIFICATION_POD", "VERIFICATION_TIMEOUT", "RECYCLE_TIMEOUT",
            "DRAIN_ENABLED", "DRAIN_TIMEOUT", "DRY_RUN", "HELM_IMAGE", "KUBECTL_IMAGE",
        })
            for (var i = 0; i < Payloads.Length; i++)
                data.Add(env, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(PreflightInputs))]
    public void Preflight_refuses_a_payload_in_each_parameter(string env, int payload)
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var result = sandbox.Run("preflight.sh", Scenario.Env((env, Payloads[payload])));

        AssertRefusedInertly(sandbox, result);
    }

    /// <summary>The inputs of the other steps, which validate them again.</summary>
    public static TheoryData<string, string> StepInputs() => new()
    {
        { "select-nodes.sh", "DAEMONSET" }, { "select-nodes.sh", "NODE_SELECTOR" }, { "select-nodes.sh", "NODES" },
        { "select-nodes.sh", "RUN" }, { "select-nodes.sh", "RUN_UID" }, { "select-nodes.sh", "WORKFLOW_NAMESPACE" },
        { "stage.sh", "RELEASE_REVISION" }, { "stage.sh", "UPDATE_STRATEGY" },
        { "stage.sh", "RUN_UID" }, { "stage.sh", "WORKFLOW_NAMESPACE" }, { "stage.sh", "KATA_DEPLOY_CHART" },
        { "cordon.sh", "NODE" }, { "cordon.sh", "RUN" }, { "drain.sh", "NODE" }, { "drain.sh", "DRAIN_TIMEOUT" },
        { "recycle.sh", "NODE" }, { "recycle.sh", "DAEMONSET" }, { "recycle.sh", "HELM_NAMESPACE" },
        { "verify.sh", "NODE" }, { "verify.sh", "RUN" }, { "verify.sh", "VERIFICATION_NAMESPACE" }, { "verify.sh", "VERIFICATION_POD" },
        { "uncordon.sh", "NODE" }, { "uncordon.sh", "TARGET_VERSION" },
        { "upgrade-node.sh", "NODE" }, { "upgrade-node.sh", "DRAIN_ENABLED" }, { "upgrade-node.sh", "RECYCLE_TIMEOUT" },
        { "upgrade-node.sh", "VERIFICATION_TIMEOUT" },
        { "finish.sh", "RELEASE_REVISION" }, { "finish.sh", "HELM_RELEASE" },
        { "cleanup.sh", "MODE" }, { "cleanup.sh", "RUN" }, { "cleanup.sh", "NODE_NAME" }, { "cleanup.sh", "WORKFLOW_STATUS" },
        { "cleanup.sh", "WORKFLOW_NAMESPACE" },
    };

    [Theory]
    [MemberData(nameof(StepInputs))]
    public void Every_step_refuses_a_payload_in_its_inputs(string script, string env)
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        foreach (var payload in Payloads.Take(2))
        {
            var result = sandbox.Run(script, Scenario.Env(("NODE", "node-a"), ("MODE", "recover"),
                ("RELEASE_REVISION", "1"), ("UPDATE_STRATEGY", "{}"), (env, payload)));
            AssertRefusedInertly(sandbox, result);
        }
    }

    [Fact]
    public void A_payload_in_a_submitted_parameter_stops_the_run_in_preflight_and_the_exit_handler_changes_nothing()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var run = Scenario.Upgrade(sandbox, ("helm-release", Payloads[0]), ("node-selector", "$(reboot)"));

        Assert.Equal("Failed", run.Status);
        Assert.Contains("error: helm-release: 'x\"; kubectl delete ns prod; echo \"' is not a Helm release name", run.Step("preflight").Stderr);
        Assert.True(run.Cleanup.Succeeded, run.Transcript);
        Assert.Empty(sandbox.Calls.Mutating);
        Assert.False(sandbox.Rebooted);
    }

    private static void AssertRefusedInertly(Sandbox sandbox, StepResult result)
    {
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Empty(sandbox.Calls.All);
        Assert.False(sandbox.Rebooted);
        Assert.DoesNotContain(LifecycleKeys.Status, result.Stdout);
    }
}
