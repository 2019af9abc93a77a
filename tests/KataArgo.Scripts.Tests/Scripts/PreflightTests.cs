using System.Text.Json.Nodes;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// preflight.sh refuses, with one line and before anything changes, what cannot be upgraded safely
/// (the verification pod's rules: VerificationPodCaseTableTests).
/// </summary>
public sealed class PreflightTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("missing-release", "no Helm release 'kata-deploy' in namespace 'kube-system'")]
    [InlineData("release-not-deployed", "is 'pending-upgrade': a Helm operation was interrupted")]
    [InlineData("current-too-old", "kata-deploy 3.28.0 is older than 3.29")]
    [InlineData("target-too-old", "target-version: kata-deploy 3.28.0 is older than 3.29")]
    [InlineData("job-mode", "deploymentMode 'job'")]
    [InlineData("nfd-subchart", "the release enables its node-feature-discovery subchart")]
    [InlineData("no-daemonset", "no kata-deploy DaemonSet in 'kube-system' belongs to release kata-deploy")]
    [InlineData("two-daemonsets", "2 kata-deploy DaemonSets belong to release kata-deploy: kata-deploy, kata-deploy-old")]
    [InlineData("other-chart", "is chart 'nginx-1.2.3', not kata-deploy")]
    [InlineData("malformed-version", "target-version: '3.30' is not a version; use X.Y.Z or X.Y.Z-suffix")]
    [InlineData("v-version", "target-version: 'v3.30.0' is not a version")]
    [InlineData("pod-not-base64", "verification-pod: the value is not base64")]
    [InlineData("nodes-and-selector", "nodes: give either an explicit node list or node-selector/node-taint-key, not both")]
    [InlineData("taint-value-alone", "node-taint-value: 'gpu' needs node-taint-key")]
    [InlineData("bad-boolean", "drain-enabled: 'yes' is not a boolean; use true or false")]
    [InlineData("long-drain", "drain-timeout: '3h' is longer than the maximum 2h")]
    [InlineData("zero-timeout", "verification-timeout: '0s' is zero; give a positive duration")]
    [InlineData("latest-image", "helm-image: 'alpine/k8s:latest' uses :latest")]
    [InlineData("untagged-image", "kubectl-image: 'alpine/k8s' has no tag")]
    public void Refuses_before_anything_changes(string @case, string reason)
    {
        var (cluster, env) = Case(@case);
        using var sandbox = new Sandbox(cluster);

        var result = sandbox.Run("preflight.sh", Scenario.Env([.. env]));
        output.WriteLine(result.ToString());

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(reason, line);
        Assert.Empty(result.Outputs);
        Assert.Empty(sandbox.Calls.Mutating);
        Assert.Empty(sandbox.Calls.Unimplemented);
    }

    [Fact]
    public void Finds_the_kata_deploy_daemonset_among_the_release_s_others_and_records_it()
    {
        var cluster = Scenario.TwoNodes().WithOtherDaemonSet("kata-monitor").WithOtherDaemonSet("kata-deploy-node-feature-discovery-worker", release: "nfd");
        using var sandbox = new Sandbox(cluster);

        var result = sandbox.Run("preflight.sh", Scenario.Env());
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Equal("1", result.Outputs["release-revision"]);
        Assert.Equal("3.29.0", result.Outputs["from-version"]);
        Assert.Equal("kata-deploy", result.Outputs["daemonset"]);
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}""", result.Outputs["update-strategy"]);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    [Fact]
    public void Warns_when_the_values_pin_the_kata_deploy_image()
    {
        var values = new JsonObject { ["image"] = new JsonObject { ["tag"] = "3.29.0" } };
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From, values: values));

        var result = sandbox.Run("preflight.sh", Scenario.Env());

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("warning: the release's values pin image.tag=3.29.0", result.Stdout);
    }

    private static (Cluster, (string, string)[]) Case(string name)
    {
        var cluster = Scenario.TwoNodes();
        return name switch
        {
            "missing-release" => (Cluster.WithNodes("node-a").WithRelease(Scenario.From, release: "other"), []),
            "release-not-deployed" => (Cluster.WithNodes("node-a").WithRelease(Scenario.From, history:
                [new Revision(1, Scenario.From, "deployed"), new Revision(2, Scenario.Target, "pending-upgrade")]), []),
            "current-too-old" => (Cluster.WithNodes("node-a").WithRelease("3.28.0"), []),
            "target-too-old" => (cluster, [("TARGET_VERSION", "3.28.0")]),
            "job-mode" => (Cluster.WithNodes("node-a").WithRelease("3.32.0", daemonSet: false,
                values: new JsonObject { ["deploymentMode"] = "job" }), []),
            "nfd-subchart" => (Cluster.WithNodes("node-a").WithRelease(Scenario.From,
                values: new JsonObject { ["node-feature-discovery"] = new JsonObject { ["enabled"] = true } }), []),
            "no-daemonset" => (Cluster.WithNodes("node-a").WithRelease(Scenario.From, daemonSet: false), []),
            "two-daemonsets" => (cluster.WithOtherDaemonSet("kata-deploy-old"), []),
            "other-chart" => (Cluster.WithNodes("node-a").WithRelease(Scenario.From, history: [new Revision(1, Scenario.From, "deployed") { Chart = "nginx-1.2.3" }]), []),
            "malformed-version" => (cluster, [("TARGET_VERSION", "3.30")]),
            "v-version" => (cluster, [("TARGET_VERSION", "v3.30.0")]),
            "pod-not-base64" => (cluster, [("VERIFICATION_POD", "!!not base64!!")]),
            "nodes-and-selector" => (cluster, [("NODES", "node-a"), ("NODE_SELECTOR", "pool=gpu")]),
            "taint-value-alone" => (cluster, [("NODE_TAINT_VALUE", "gpu")]),
            "bad-boolean" => (cluster, [("DRAIN_ENABLED", "yes")]),
            "long-drain" => (cluster, [("DRAIN_TIMEOUT", "3h")]),
            "zero-timeout" => (cluster, [("VERIFICATION_TIMEOUT", "0s")]),
            "latest-image" => (cluster, [("HELM_IMAGE", "alpine/k8s:latest")]),
            "untagged-image" => (cluster, [("KUBECTL_IMAGE", "alpine/k8s")]),
            _ => throw new ArgumentException(name),
        };
    }
}
