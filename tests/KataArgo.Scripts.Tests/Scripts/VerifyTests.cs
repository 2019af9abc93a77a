using System.Diagnostics;
using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>verify.sh on a cordoned node, as the per-node loop runs it.</summary>
public sealed class VerifyTests(ITestOutputHelper output)
{
    private static Cluster Cordoned(params string[] phases) =>
        Cluster.WithNodes("node-a", "node-b").WithRelease(Scenario.From).Cordoned("node-a").Cordoned("node-b").Verification(phases);

    [Fact]
    public void A_Failed_pod_fails_the_node_at_once_not_after_the_timeout()
    {
        using var sandbox = new Sandbox(Cordoned("Pending", "Running", "Failed"));
        var clock = Stopwatch.StartNew();

        var result = sandbox.Run("verify.sh", Scenario.Env(("NODE", "node-a"), ("VERIFICATION_TIMEOUT", "1h")));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        var name = VerificationPodName(sandbox);
        // Three polls (Pending, Running, Failed), one read to print its status, its logs, its deletion.
        var podCalls = sandbox.Calls.All.Where(c => c.Command.Contains(name)).Select(c => c.Verb);
        Assert.Equal(["delete", "get", "get", "get", "get", "logs", "delete"], podCalls);
        Assert.Contains("node-a: verification failed (pod phase Failed)", result.Stderr);
        Assert.Contains($"node-a: logs of pod default/{name}", result.Stdout);
        Assert.Contains("verification on node-a: ok", result.Stdout);
        Assert.Contains($"node-a: deleted verification pod {name}", result.Stdout);
        Assert.DoesNotContain(sandbox.State.Pods, p => p.Name == name);
        Assert.Equal("failed", sandbox.State.Node("node-a").Status);
    }

    [Fact]
    public void A_pod_that_never_finishes_fails_on_the_timeout_with_its_events()
    {
        using var sandbox = new Sandbox(Cordoned("Pending"));

        var result = sandbox.Run("verify.sh", Scenario.Env(("NODE", "node-a"), ("VERIFICATION_TIMEOUT", "1s")));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("timed out after 1s in phase Pending (verification-timeout)", result.Stderr);
        Assert.Contains("events of pod default/kata-verify-node-a-", result.Stdout);
        Assert.Equal("failed", sandbox.State.Node("node-a").Status);
    }

    [Fact]
    public void The_user_s_own_toleration_is_kept_and_placeholders_are_replaced_as_data()
    {
        using var sandbox = new Sandbox(Cordoned("Succeeded"));

        var result = sandbox.Run("verify.sh", Scenario.Env(("NODE", "node-b"), ("VERIFICATION_POD", VerificationPods.Base64(VerificationPods.Tolerating))));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.DoesNotContain("added toleration", result.Stdout);
        var pod = CreatedPod(sandbox);
        var name = (string)pod["metadata"]!["name"]!;
        Assert.Single(pod["spec"]!["tolerations"]!.AsArray());
        Assert.Equal($"echo checking node-b as {name}", (string?)pod["spec"]!["containers"]![0]!["command"]![2]);
        Assert.Equal("kata-check-node-b", (string?)pod["metadata"]!["labels"]!["purpose"]);
        Assert.Equal("node-b", (string?)pod["spec"]!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchFields"]![0]!["values"]![0]);
        Assert.Equal("verifying", sandbox.State.Node("node-b").Status);
    }

    [Fact]
    public void The_pod_name_is_unique_per_node_and_run_and_a_leftover_is_deleted_first()
    {
        using var sandbox = new Sandbox(Cordoned("Succeeded"));
        string NameFor(string node, string run)
        {
            var result = sandbox.Run("verify.sh", Scenario.Env(("NODE", node), ("RUN", run)));
            Assert.True(result.Succeeded, result.ToString());
            return (string)CreatedPod(sandbox)["metadata"]!["name"]!;
        }

        var names = new[] { NameFor("node-a", "run-one"), NameFor("node-b", "run-one"), NameFor("node-a", "run-two") };
        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^kata-verify-node-[ab]-[0-9a-f]{10}$", n));

        // A pod left by an earlier attempt of the same node and run is deleted before the new one.
        sandbox.Change(state => state["pods"]!.AsArray().Add(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = names[0], ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["nodeName"] = "node-a" },
            ["x"] = new JsonObject { ["phases"] = new JsonArray("Running") },
        }));
        Assert.Equal(names[0], NameFor("node-a", "run-one"));
        var calls = sandbox.Calls.All.Where(c => c.Command.Contains(names[0])).Select(c => c.Verb).ToList();
        Assert.Equal(["delete", "get", "logs", "delete"], calls.TakeLast(4));
    }

    private static string VerificationPodName(Sandbox sandbox) => (string)CreatedPod(sandbox)["metadata"]!["name"]!;

    private static JsonObject CreatedPod(Sandbox sandbox) =>
        JsonNode.Parse(sandbox.Calls.Of("kubectl", "create").Last(c => !c.Argv.Contains("--dry-run=client")).Files.Values.Single())!.AsObject();
}
