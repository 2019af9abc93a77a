using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>Every invalid request is refused with exit 2 before anything reaches the server.</summary>
public class ParameterValidationTests
{
    [Theory]
    [InlineData("unknown parameter 'target-verison' (-p target-verison=3.29.0); valid parameters: target-version, helm-release", "submit", "-p", "target-verison=3.29.0")]
    [InlineData("target-version: '3.29' is not a version; use X.Y.Z or X.Y.Z-suffix with numbers without leading zeros, e.g. 3.29.0", "submit", "-p", "target-version=3.29")]
    [InlineData("target-version is required for entrypoint upgrade-all-nodes; e.g. -p target-version=3.29.0", "submit")]
    [InlineData("target-version: '' is not a version", "submit", "-p", "target-version=")]
    [InlineData("-p 'target-version': expected NAME=VALUE", "submit", "-p", "target-version")]
    [InlineData("--entrypoint 'upgrade' is not an entrypoint of kata-lifecycle-manager; use one of: upgrade-all-nodes, rollback-node, recover", "submit", "--entrypoint", "upgrade", "-p", "target-version=3.29.0")]
    [InlineData("node-name is required for entrypoint rollback-node", "submit", "--entrypoint", "rollback-node")]
    [InlineData("run is required for entrypoint recover", "submit", "--entrypoint", "recover")]
    [InlineData("drain-enabled: 'yes' is not a boolean; use true or false", "submit", "-p", "target-version=3.29.0", "-p", "drain-enabled=yes")]
    [InlineData("drain-timeout: '5 minutes' is not a duration", "submit", "-p", "target-version=3.29.0", "-p", "drain-timeout=5 minutes")]
    [InlineData("helm-image: 'alpine/k8s:latest' uses :latest; pin a version", "submit", "-p", "target-version=3.29.0", "-p", "helm-image=alpine/k8s:latest")]
    [InlineData("nodes: 'node_a' is not a comma-separated list of node names", "submit", "-p", "target-version=3.29.0", "-p", "nodes=node_a")]
    [InlineData("nodes: give either an explicit node list or node-selector/node-taint-key, not both", "submit", "-p", "target-version=3.29.0", "-p", "nodes=node-a", "-p", "node-selector=gpu=true")]
    [InlineData("node-taint-value: 'present' needs node-taint-key; set the taint's key too", "submit", "-p", "target-version=3.29.0", "-p", "node-taint-value=present")]
    [InlineData("parameter target-version is given twice", "submit", "-p", "target-version=3.29.0", "-p", "target-version=3.30.0")]
    [InlineData("verification-pod: the value is not base64", "submit", "-p", "target-version=3.29.0", "-p", "verification-pod=kind: Pod")]
    [InlineData("helm-namespace: 'Kube_System' is not a namespace name", "submit", "-p", "target-version=3.29.0", "-p", "helm-namespace=Kube_System")]
    [InlineData("--watch and --wait exclude each other", "submit", "-p", "target-version=3.29.0", "--watch", "--wait")]
    [InlineData("--name 'Upgrade_1' is not a workflow name", "submit", "-p", "target-version=3.29.0", "--name", "Upgrade_1")]
    [InlineData("namespace 'Argo' is not a namespace name", "submit", "-p", "target-version=3.29.0", "-n", "Argo")]
    [InlineData("run is taken from the run kata-lifecycle-manager-q9m4t; do not pass -p run", "recover", "kata-lifecycle-manager-q9m4t", "-p", "run=other")]
    [InlineData("unknown parameter 'speed'", "recover", "kata-lifecycle-manager-q9m4t", "-p", "speed=fast")]
    [InlineData("'Bad_Name' is not a workflow name", "status", "Bad_Name")]
    [InlineData("'Bad_Name' is not a workflow name", "watch", "Bad_Name")]
    public async Task Invalid_request_is_refused_before_anything_is_sent(string message, params string[] args)
    {
        await using var server = await FakeArgoServer.StartAsync();
        var result = await CliRunner.RunAsync(CliRunner.ArgoEnvironment(server), null, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("https://argo.example:2746", "is not host:port")]
    [InlineData("argo.example:2746/argo", "is not host:port")]
    public async Task Argo_server_is_host_and_port_only(string server, string message)
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["ARGO_SERVER"] = server }, null, "submit", "-p", "target-version=3.29.0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task Argo_secure_must_be_a_boolean()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["ARGO_SERVER"] = "127.0.0.1:2746", ["ARGO_SECURE"] = "maybe" }, null, "submit", "-p", "target-version=3.29.0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ARGO_SECURE: 'maybe' is not a boolean", result.Error);
    }
}
