using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using KataArgo.Testing;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>
/// The bad-input matrix in the cluster: each bad parameter is refused by the step that reads it
/// before its first kubectl or helm call, with the same line as kata-argo; each refusal that needs
/// the cluster fails the run before anything changes.
/// </summary>
public sealed class BadInputScriptTests
{
    /// <summary>Workflow parameter → the environment variable preflight reads it from, as the template wires it.</summary>
    private static readonly Dictionary<string, string> PreflightEnv =
        LifecycleWorkflow.Build(new LifecycleOptions()).Spec.Templates!.Single(t => t.Name == "preflight").Container!.Env!
            .Where(e => e.Value!.StartsWith("{{workflow.parameters.", StringComparison.Ordinal))
            .ToDictionary(e => e.Value!["{{workflow.parameters.".Length..^2], e => e.Name);

    [Theory]
    [MemberData(nameof(BadInput.Ids), "parameter", MemberType = typeof(BadInput))]
    public void The_step_reading_the_parameter_refuses_it_before_any_call(string id)
    {
        var bad = BadInput.Get(id);
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var result = bad.Entrypoint switch
        {
            LifecycleWorkflow.Recover => sandbox.Run("cleanup.sh", Scenario.Env(("MODE", "recover"), ("RUN", bad.Parameters["run"]))),
            LifecycleWorkflow.RollbackNode => sandbox.Run("cleanup.sh", Scenario.Env(("MODE", "node"), ("RUN", ""), ("NODE_NAME", bad.Parameters["node-name"]))),
            _ => sandbox.Run("preflight.sh", Scenario.Env([.. bad.Parameters.Select(p => (PreflightEnv[p.Key], p.Value))])),
        };

        Assert.False(result.Succeeded);
        Assert.Equal("error: " + bad.Error, result.Stderr.TrimEnd('\n').Split('\n')[^1]);
        Assert.Empty(sandbox.Calls.All);
        Assert.False(sandbox.Rebooted);
    }

    [Theory]
    [MemberData(nameof(BadInput.Ids), "cluster", MemberType = typeof(BadInput))]
    public void The_run_fails_before_anything_changes(string id)
    {
        var bad = BadInput.Get(id);
        using var sandbox = new Sandbox(Fixture(bad.Cluster!));
        var parameters = Scenario.Parameters([.. bad.Parameters.Select(p => (p.Key, Value(p.Value)))]);

        var run = Scenario.Simulator(sandbox).Run(parameters);

        Assert.Equal("Failed", run.Status);
        var failed = run.Steps.Single(s => !s.Succeeded);
        Assert.Contains(failed.Name, new[] { "preflight", "select-nodes" });
        Assert.Equal("error: " + bad.Error, failed.Stderr.TrimEnd('\n').Split('\n')[^1]);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    private static string Value(string value) => value switch
    {
        "@not-pinned" => VerificationPods.Base64(VerificationPods.NotPinned),
        "@not-a-pod" => VerificationPods.Base64(VerificationPods.NotAPod),
        _ => value,
    };

    private static Cluster Fixture(string name) => name switch
    {
        "default" => Scenario.TwoNodes(),
        "no-release" => Cluster.WithNodes("node-a").WithRelease(Scenario.From, release: "other"),
        "pending-release" => Cluster.WithNodes("node-a").WithRelease(Scenario.From, history:
            [new Revision(1, Scenario.From, "deployed"), new Revision(2, Scenario.Target, "pending-upgrade")]),
        "old-release" => Cluster.WithNodes("node-a").WithRelease("3.28.0"),
        "job-mode" => Cluster.WithNodes("node-a").WithRelease("3.32.0", daemonSet: false, values: new JsonObject { ["deploymentMode"] = "job" }),
        _ => throw new ArgumentException($"no cluster fixture '{name}'"),
    };
}
