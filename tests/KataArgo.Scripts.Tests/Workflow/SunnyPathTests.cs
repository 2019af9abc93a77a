using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>Whole runs of the rendered WorkflowTemplate that succeed.</summary>
public sealed class SunnyPathTests(ITestOutputHelper output)
{
    [Fact]
    public void Upgrades_three_nodes_one_pod_at_a_time_with_one_staging_and_one_restoring_revision()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes().ReadyAfter("node-b", 2).Verification("Pending", "Running", "Succeeded"));
        var before = Scenario.Nodes.ToDictionary(n => n, n => sandbox.State.PodOn(n).Name);

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        var calls = sandbox.Calls;
        Assert.Empty(calls.Unimplemented);
        // Exactly one kata-deploy pod deleted per node, in node order, each after its cordon.
        var deleted = calls.Of("kubectl", "delete").Where(c => c.Command[1] == "pod" && c.Command[2].StartsWith("kata-deploy-")).Select(c => c.Command[2]);
        Assert.Equal(Scenario.Nodes.Select(n => before[n]), deleted);
        // One workflow pod per node, in node order, each reporting its last phase.
        Assert.Equal(["node-a", "node-b", "node-c"], run.StepsNamed(LifecycleWorkflow.UpgradeNode).Select(s => s.Node));
        Assert.All(run.StepsNamed(LifecycleWorkflow.UpgradeNode), s => Assert.Equal("5/5", s.Progress));
        // Revisions: the install, one stage upgrade (OnDelete, hook off), one restore of the user's values.
        var history = sandbox.State.History();
        Assert.Equal([1, 2, 3], history.Select(r => r.Number));
        Assert.Equal(["3.29.0", "3.30.0", "3.30.0"], history.Select(r => r.Version));
        Assert.Equal("OnDelete", (string?)history[1].Config!["updateStrategy"]!["type"]);
        Assert.Equal("", (string?)history[1].Config!["verification"]!["pod"]);
        Assert.Equal("""{"verification":{"pod":""}}""", history[2].Config!.ToJsonString());
        Assert.Equal("RollingUpdate", sandbox.State.UpdateStrategy());
        foreach (var name in Scenario.Nodes)
        {
            var node = sandbox.State.Node(name);
            Assert.Equal(("completed", "completed"), (node.Status, node.StatusLabel));
            Assert.Equal((Scenario.Target, Scenario.Target), (node.Version, node.VersionLabel));
            Assert.False(node.Unschedulable);
            Assert.Null(node.RunLabel);
            Assert.Equal(Cluster.HashOf(Scenario.Target), sandbox.State.PodOn(name).Hash);
        }
        Assert.Equal("succeeded", sandbox.State.Record(Scenario.Run)!["phase"]);
        Assert.Matches(@"node-b\s+completed\s+3\.30\.0\s+\d+s", run.Cleanup.Stdout);

        // Run again: every node is completed at the target, so nothing is selected or changed.
        var callsBefore = sandbox.Calls.All.Count;
        var rerun = Scenario.Simulator(sandbox).Run(Scenario.Parameters(), name: "kata-upgrade-again");
        output.WriteLine(rerun.Transcript);
        Assert.Equal("Succeeded", rerun.Status);
        Assert.Equal("[]", rerun.Step("select-nodes").Outputs["nodes"]);
        Assert.Contains("node-a: skipped, already completed at 3.30.0", rerun.Step("select-nodes").Stdout);
        Assert.DoesNotContain(sandbox.Calls.All.Skip(callsBefore), c => c.IsMutating);
    }

    [Fact]
    public void Finish_restores_the_users_values_but_keeps_kata_deploys_own_verification_hook_off()
    {
        var values = new JsonObject
        {
            ["debug"] = true,
            ["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 2 } },
            ["verification"] = new JsonObject { ["pod"] = "apiVersion: v1\nkind: Pod\n" },
        };
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a", "node-b").WithRelease(Scenario.From, values: values));

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        var restored = sandbox.State.History().Last().Config!;
        Assert.True(restored["debug"]!.GetValue<bool>());
        Assert.Equal(2, restored["updateStrategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<int>());
        Assert.Equal("", (string?)restored["verification"]!["pod"]);
        Assert.Contains("kata-deploy's own verification hook stays off", run.Step("finish").Stdout);
    }

    [Fact]
    public void The_verification_pod_gets_the_unschedulable_toleration_and_a_name_per_node()
    {
        var sandbox = SharedRuns.TwoNodesUpgraded.Sandbox;

        var run = SharedRuns.TwoNodesUpgraded.Result;
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("added toleration node.kubernetes.io/unschedulable:NoSchedule", run.Step(LifecycleWorkflow.UpgradeNode, "node-a").Stdout);
        var created = sandbox.Calls.Of("kubectl", "create").Where(c => c.Files.Count > 0 && !c.Argv.Contains("--dry-run=client"))
            .Select(c => JsonNode.Parse(c.Files.Values.Single())!.AsObject()).Where(o => (string?)o["kind"] == "Pod").ToList();
        Assert.Equal(2, created.Count);
        Assert.Equal(2, created.Select(p => (string)p["metadata"]!["name"]!).Distinct().Count());
        foreach (var pod in created)
        {
            var toleration = Assert.Single(pod["spec"]!["tolerations"]!.AsArray())!;
            Assert.Equal("node.kubernetes.io/unschedulable", (string?)toleration["key"]);
            Assert.Equal(Scenario.Run, (string?)pod["metadata"]!["labels"]![LifecycleKeys.Run]);
            Assert.DoesNotContain("${", pod.ToJsonString());
        }
        Assert.Equal(["node-a", "node-b"], created.Select(p => (string)p["spec"]!["nodeSelector"]!["kubernetes.io/hostname"]!));
        Assert.DoesNotContain(sandbox.State.Pods, p => p.Namespace == "default");
    }

    [Fact]
    public void A_node_cordoned_by_an_admin_stays_cordoned_after_success()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().Cordoned("node-b"));

        var run = Scenario.Upgrade(sandbox);
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.False(sandbox.State.Node("node-a").Unschedulable);
        var admin = sandbox.State.Node("node-b");
        Assert.True(admin.Unschedulable);
        Assert.Equal(("completed", Scenario.Target), (admin.Status, admin.Version));
        Assert.Equal("true", admin.Annotations[LifecycleKeys.WasUnschedulable]);
        Assert.Contains("node-b: left cordoned (it was unschedulable before the run)", run.Step(LifecycleWorkflow.UpgradeNode, "node-b").Stdout);
    }

    [Fact]
    public void Drain_evicts_the_workloads_of_each_node()
    {
        var sandbox = SharedRuns.Drained.Sandbox;

        var run = SharedRuns.Drained.Result;
        output.WriteLine(run.Transcript);

        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("node-a: drained", run.Step(LifecycleWorkflow.UpgradeNode, "node-a").Stdout);
        var drain = sandbox.Calls.Of("kubectl", "drain").First();
        Assert.Equal(["drain", "node-a", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=120s"], drain.Command);
        Assert.DoesNotContain(sandbox.State.Pods, p => p.Name == "web-1");
    }

    internal static JsonObject Workload(string name, string node, bool blocksEviction = false) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "apps", ["uid"] = $"uid-{name}" },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject { ["phase"] = "Running" },
        ["x"] = new JsonObject { ["blocksEviction"] = blocksEviction },
    };
}
