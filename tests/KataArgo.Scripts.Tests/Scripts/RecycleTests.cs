using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>recycle.sh and the retry wrapper every API call goes through.</summary>
public sealed class RecycleTests(ITestOutputHelper output)
{
    [Fact]
    public void A_pod_already_on_the_updated_revision_and_Ready_is_left_alone()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From));

        var result = sandbox.Run("recycle.sh", Scenario.Env(("NODE", "node-a")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Contains("already runs revision v3-29-0 and is installed (its log says 'Kata Containers installation completed successfully'); nothing to recycle", result.Stdout);
        Assert.Empty(sandbox.Calls.Of("kubectl", "delete"));
        Assert.Equal("upgrading", sandbox.State.Node("node-a").Status);
    }

    [Fact]
    public void A_pod_the_controller_just_replaced_is_waited_for_not_deleted()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).ReadyAfter("node-a", 2));
        // A plain upgrade (RollingUpdate) replaces the pod at once; it is not Ready yet.
        Assert.True(sandbox.Tool("helm", "upgrade", "kata-deploy", "oci://x/kata-deploy", "--version", "3.30.0", "-n", "kube-system", "--reset-values").Succeeded);

        var result = sandbox.Run("recycle.sh", Scenario.Env(("NODE", "node-a")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        // 3.30.0 has no readiness probe: its pod is Ready at once, installed only once it logs so (issue 9).
        Assert.Contains("already runs revision v3-30-0 and is Ready; waiting for it to finish installing", result.Stdout);
        Assert.Contains("runs revision v3-30-0 and is installed (its log says 'Kata Containers installation completed successfully')", result.Stdout);
        Assert.Empty(sandbox.Calls.Of("kubectl", "delete"));
    }

    [Fact]
    public void A_pod_with_a_readyz_probe_is_installed_once_it_is_ready()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From).ReadyAfter("node-a", 2));
        // 3.31.0's pod: its startup and readiness probes ask /readyz, which answers 200 once installed.
        Assert.True(sandbox.Tool("helm", "upgrade", "kata-deploy", "oci://x/kata-deploy", "--version", "3.31.0", "-n", "kube-system", "--reset-values").Succeeded);

        var result = sandbox.Run("recycle.sh", Scenario.Env(("NODE", "node-a")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Contains("already runs revision v3-31-0; waiting for it to be installed", result.Stdout);
        Assert.Contains("runs revision v3-31-0 and is installed (Ready through its /readyz probe)", result.Stdout);
        Assert.Empty(sandbox.Calls.Of("kubectl", "logs"));
    }

    [Fact]
    public void Transient_API_errors_are_retried_and_NotFound_is_not()
    {
        var cluster = Cluster.WithNodes("node-a").WithRelease(Scenario.From)
            .Fail("kubectl", "get node node-a", "Unable to connect to the server: dial tcp 10.96.0.1:443: connect: connection refused", times: 2)
            .Fail("kubectl", "patch node node-a", "Error from server (Conflict): Operation cannot be fulfilled on nodes \"node-a\": the object has been modified; please apply your changes to the latest version and try again");
        using var sandbox = new Sandbox(cluster);

        var result = sandbox.Run("cordon.sh", Scenario.Env(("NODE", "node-a"), ("WORKFLOW_NAMESPACE", "")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Equal(2, result.Stdout.Split('\n').Count(l => l.StartsWith("transient error from kc", StringComparison.Ordinal) && l.Contains("connection refused")));
        Assert.Contains("the object has been modified", result.Stdout);
        Assert.Equal(3, sandbox.Calls.Of("kubectl", "get").Count);
        Assert.True(sandbox.State.Node("node-a").Unschedulable);

        var missing = sandbox.Run("cordon.sh", Scenario.Env(("NODE", "node-z"), ("WORKFLOW_NAMESPACE", "")));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Error from server (NotFound): nodes \"node-z\" not found", missing.Stderr);
        Assert.Single(sandbox.Calls.All, c => c.Command.Contains("node-z"));
    }

    [Fact]
    public void Forbidden_is_not_retried_and_fails_the_node()
    {
        var cluster = Cluster.WithNodes("node-a").WithRelease(Scenario.From)
            .Fail("kubectl", "get daemonset", "Error from server (Forbidden): daemonsets.apps \"kata-deploy\" is forbidden: User \"system:serviceaccount:argo:kata-lifecycle-manager\" cannot get resource", times: -1);
        using var sandbox = new Sandbox(cluster);

        var result = sandbox.Run("recycle.sh", Scenario.Env(("NODE", "node-a")));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is forbidden", result.Stderr);
        Assert.Single(sandbox.Calls.Of("kubectl", "get"));
        Assert.Equal("failed", sandbox.State.Node("node-a").Status);
    }
}
