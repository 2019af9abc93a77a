using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Scripts;

/// <summary>upgrade-node.sh on its own: the phases of one node in one pod, their deadlines, and what it tells Argo.</summary>
public sealed class UpgradeNodeTests(ITestOutputHelper output)
{
    [Fact]
    public void Runs_the_phases_in_order_and_reports_each_as_progress()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        Scenario.Stage(sandbox);

        var result = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-a"), ("DRAIN_ENABLED", "true")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Equal("5/5", result.Progress);
        Assert.Null(result.TerminationMessage);
        var order = new[] { "node-a: cordoned", "node-a: draining", "node-a: drained", "revision", "node-a: verification passed", "node-a: uncordoned" }
            .Select(line => result.Stdout.IndexOf(line, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
        Assert.Equal(("completed", Scenario.Target), (sandbox.State.Node("node-a").Status, sandbox.State.Node("node-a").Version));
    }

    [Fact]
    public void Run_again_after_a_lost_pod_it_finishes_the_node_without_undoing_anything()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().Cordoned("node-a"));
        Scenario.Stage(sandbox);
        var env = Scenario.Env(("NODE", "node-a"));

        Assert.True(sandbox.Run("upgrade-node.sh", env).Succeeded);
        var pod = sandbox.State.PodOn("node-a").Name;
        var again = sandbox.Run("upgrade-node.sh", env);
        output.WriteLine(again.ToString());

        Assert.True(again.Succeeded);
        Assert.Contains("nothing to recycle", again.Stdout);
        Assert.Equal(pod, sandbox.State.PodOn("node-a").Name);
        // The admin's cordon recorded by the first attempt is kept.
        Assert.Equal("true", sandbox.State.Node("node-a").Annotations[LifecycleKeys.WasUnschedulable]);
        Assert.True(sandbox.State.Node("node-a").Unschedulable);
    }

    [Fact]
    public void A_phase_past_its_deadline_is_stopped_and_named_in_the_termination_message()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        // A phase that never ends, run by the same run_phase that upgrade-node.sh uses.
        File.WriteAllText(Path.Combine(sandbox.StepsDir, "stuck.sh"), "sleep 60\n");

        var result = sandbox.RunSource("run_phase", $"source '{sandbox.StepsDir}/lib.sh'\nrun_phase node-a stuck 1\n", Scenario.Env());
        output.WriteLine(result.ToString());

        Assert.False(result.Succeeded);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), $"took {result.Elapsed}");
        Assert.Equal("node-a: stuck failed: did not finish within 1s (phase deadline)", result.TerminationMessage);
        Assert.EndsWith("error: node-a: stuck failed: did not finish within 1s (phase deadline)\n", result.Stderr);
    }

    [Fact]
    public void A_failed_phase_leaves_the_phase_and_its_reason_for_argo_and_stops_the_node()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().VerificationOn("node-a", "Failed"));
        Scenario.Stage(sandbox);

        var result = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-a")));
        output.WriteLine(result.ToString());

        Assert.False(result.Succeeded);
        Assert.Equal("4/5", result.Progress);
        Assert.Matches(@"^node-a: verify failed: verification failed \(pod phase Failed\) after \d+s$", result.TerminationMessage);
        Assert.DoesNotContain("uncordon", result.Stdout);
        Assert.Equal("failed", sandbox.State.Node("node-a").Status);
        Assert.True(sandbox.State.Node("node-a").Unschedulable);
    }

    [Fact]
    public void Scripts_other_than_the_ones_the_template_names_are_refused_before_any_call()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());

        var result = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-a"), (StepScripts.DigestVariable, "sha256:" + new string('0', 64))));

        Assert.False(result.Succeeded);
        Assert.Contains("the kata-lifecycle-manager chart changed during this run", result.Stderr);
        Assert.Empty(sandbox.Calls.All);
        Scenario.Stage(sandbox);
        Assert.True(sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-a"), (StepScripts.DigestVariable, StepScripts.Digest))).Succeeded);
    }

    [Fact]
    public void A_large_fleet_loops_over_plan_indices_and_each_pod_reads_its_node_from_the_plan()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());
        Scenario.Stage(sandbox);

        var result = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "#1")));
        output.WriteLine(result.ToString());

        Assert.True(result.Succeeded);
        Assert.Contains("node-b: cordoned", result.Stdout);
        Assert.Equal("completed", sandbox.State.Node("node-b").Status);
        Assert.Null(sandbox.State.Node("node-a").Status);
        Assert.False(sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "#3"))).Succeeded);
    }

    [Theory]
    [InlineData(5_000, false)]
    [InlineData(5_001, true)]
    public void The_loop_items_are_names_while_they_fit_and_plan_indices_beyond(int nodes, bool indices)
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        var plan = Path.Combine(sandbox.Root, "plan.json");
        File.WriteAllText(plan, new JsonArray([.. Enumerable.Range(0, nodes).Select(i => JsonValue.Create($"gpu-node-{i:D5}"))]).ToJsonString());

        var result = sandbox.RunSource("loop_items", $"source '{sandbox.StepsDir}/lib.sh'\nloop_items \"$(<'{plan}')\"\n", Scenario.Env());

        var items = JsonNode.Parse(result.Stdout)!.AsArray().Select(i => (string)i!).ToList();
        Assert.Equal(nodes, items.Count);
        Assert.Equal(indices ? "#0" : "gpu-node-00000", items[0]);
        Assert.Equal(indices ? $"#{nodes - 1}" : $"gpu-node-{nodes - 1:D5}", items[^1]);
    }

    [Fact]
    public void Each_pod_marks_the_next_planned_node_so_that_nodes_pod_is_scheduled_elsewhere()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());
        Scenario.Stage(sandbox);
        Assert.Equal(Scenario.Run, sandbox.State.Node("node-a").Labels.GetValueOrDefault(LifecycleKeys.Next));

        Assert.True(sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-a"))).Succeeded);

        Assert.False(sandbox.State.Node("node-a").Labels.ContainsKey(LifecycleKeys.Next)); // gone with its cordon
        Assert.Equal(Scenario.Run, sandbox.State.Node("node-b").Labels.GetValueOrDefault(LifecycleKeys.Next));
        Assert.False(sandbox.State.Node("node-c").Labels.ContainsKey(LifecycleKeys.Next));
    }

    [Fact]
    public void A_pod_that_landed_on_the_node_it_would_upgrade_changes_nothing()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        Scenario.Stage(sandbox);
        var before = sandbox.State.Snapshot();

        var result = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "#0"), ("KATA_POD_NODE", "node-a")));

        Assert.False(result.Succeeded);
        Assert.Equal("node-a: this pod runs on the node it would upgrade, whose container runtime restarts; nothing was changed", result.TerminationMessage);
        Assert.Equal(before, sandbox.State.Snapshot());
    }

    [Theory]
    [InlineData(10_000, 40, true)]
    [InlineData(10_001, 40, false)]
    [InlineData(3_600, 250, false)]
    public void A_plan_larger_than_one_run_holds_is_refused(int nodes, int nameLength, bool fits)
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        var plan = new JsonArray([.. Enumerable.Range(0, nodes).Select(i => JsonValue.Create($"{i:D6}".PadLeft(nameLength, 'n')))]);
        var file = Path.Combine(sandbox.Root, "plan.json");
        File.WriteAllText(file, plan.ToJsonString());

        var result = sandbox.RunSource("check_plan_size", $"source '{sandbox.StepsDir}/lib.sh'\ncheck_plan_size \"$(<'{file}')\"\n", Scenario.Env());

        Assert.Equal(fits, result.Succeeded);
        if (!fits)
            Assert.Contains("split the fleet into runs with node-selector or nodes", result.Stderr);
    }
}
