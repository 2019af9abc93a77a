using System.Text.Json.Nodes;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;
using Xunit.Abstractions;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>
/// One rollout across several runs (issue 13; lifecycle-spec section 8): canary then the rest,
/// pool after pool, a failure in a later run, stale recovers and retries. Each test names the
/// issue's case it covers.
/// </summary>
public sealed class RolloutTests(ITestOutputHelper output)
{
    private const string Canary = "kata-canary-a1b2c";
    private const string Rest = "kata-rest-d3e4f";
    private static readonly string OldHash = Cluster.HashOf(Scenario.From);
    private static readonly string NewHash = Cluster.HashOf(Scenario.Target);

    /// <summary>Three nodes (node-c's verification fails): the canary run on node-a, which succeeds.</summary>
    private static readonly SharedRun<WorkflowRun> CanaryOnNodeA = new(
        () => Scenario.ThreeNodes().VerificationOn("node-c", "Failed"), s => Run(Scenario.Simulator(s), Canary, ("nodes", "node-a")));

    /// <summary><see cref="CanaryOnNodeA"/>, then the rest, which fails on node-c: the whole rollout rolls back.</summary>
    private static readonly SharedRun<WorkflowRun> RestFailingOnNodeC = new(CanaryOnNodeA, s => Run(Scenario.Simulator(s), Rest));

    private static WorkflowRun Run(WorkflowSimulator simulator, string name, params (string Name, string Value)[] extra) =>
        simulator.Run(Scenario.Parameters(extra), name: name, uid: Guid.NewGuid().ToString());

    private WorkflowRun Submit(WorkflowSimulator simulator, string name, params (string Name, string Value)[] extra) =>
        Log(name, Run(simulator, name, extra));

    private WorkflowRun Log(string name, WorkflowRun run)
    {
        output.WriteLine($"######## {name}: {run.Status}\n{run.Transcript}");
        return run;
    }

    private WorkflowRun Recover(Sandbox sandbox, string run)
    {
        var recover = Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["run"] = run },
            entrypoint: LifecycleWorkflow.Recover, name: "kata-recover-q9z8w", uid: Guid.NewGuid().ToString());
        output.WriteLine($"######## recover {run}: {recover.Status}\n{recover.Transcript}");
        return recover;
    }

    private static IReadOnlyDictionary<string, string>? Rollout(Sandbox sandbox) =>
        sandbox.State.ConfigMap("argo", $"{LifecycleKeys.RolloutRecordPrefix}{Cluster.DefaultNamespace}.{Cluster.DefaultRelease}")?["data"]!
            .AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    private static void AssertRolledBack(Sandbox sandbox, params string[] nodes)
    {
        var state = sandbox.State;
        var head = state.History().Last();
        Assert.Equal((Scenario.From, "deployed"), (head.Version, head.Status));
        Assert.Equal(state.History().First().Config?.ToJsonString() ?? "{}", head.Config?.ToJsonString() ?? "{}");
        Assert.Equal("RollingUpdate", state.UpdateStrategy());
        foreach (var name in nodes)
        {
            var node = state.Node(name);
            Assert.Equal(("rolled-back", Scenario.From, Scenario.From), (node.Status, node.Version, node.VersionLabel));
            Assert.False(node.Unschedulable, $"{name} stays cordoned");
            Assert.Null(node.RunLabel);
            Assert.False(node.Labels.ContainsKey(LifecycleKeys.Rollout), $"{name} keeps the rollout label");
            var pod = state.PodOn(name);
            Assert.Equal(OldHash, pod.Hash);
            Assert.True(pod.Ready);
        }
        Assert.Equal("rolled-back", Rollout(sandbox)!["phase"]);
    }

    /// <summary>Case 1 (and the rollback's order): canary, then the rest fails on the third node.</summary>
    [Fact]
    public void Case1_canary_then_rest_failing_on_the_third_node_rolls_every_node_back_to_the_pre_rollout_version()
    {
        Assert.Equal("Succeeded", Log(Canary, CanaryOnNodeA.Result).Status);
        var calls = CanaryOnNodeA.Sandbox.Calls.All.Count;
        var sandbox = RestFailingOnNodeC.Sandbox;

        var rest = Log(Rest, RestFailingOnNodeC.Result);

        Assert.Equal("Failed", rest.Status);
        AssertRolledBack(sandbox, "node-a", "node-b", "node-c");
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.Tool == "helm" && c.Verb == "upgrade" && !c.Argv.Contains("--dry-run=server")
            && c.Flag("--version") == Scenario.Target);
        Assert.Contains("continuing rollout kata-canary-a1b2c", rest.Step("preflight").Stdout);
        Assert.Equal($"{Canary}\n{Rest}", Rollout(sandbox)!["runs"]);
        Assert.Contains("rollout kata-canary-a1b2c rolled back", rest.Cleanup.Stdout);
    }

    /// <summary>
    /// Canary → rest with a failure on the third node: every upgraded node goes back one at a
    /// time (cordon, recycle, uncordon, then the next), the DaemonSet stays OnDelete until the last
    /// one is back, and only then `helm rollback` to the pre-rollout revision.
    /// </summary>
    [Fact]
    public void Canary_then_rest_failing_on_the_third_node_restores_the_nodes_one_at_a_time()
    {
        var sandbox = RestFailingOnNodeC.Sandbox;
        var rest = Log(Rest, RestFailingOnNodeC.Result);
        Assert.Equal("Failed", rest.Status);

        var cleanup = CleanupCalls(sandbox);
        var helm = cleanup.Where(c => c.Tool == "helm" && c.IsMutating).ToList();
        Assert.Equal(2, helm.Count);
        Assert.Equal(("upgrade", Scenario.From), (helm[0].Verb, helm[0].Flag("--version")));
        Assert.Contains("\"OnDelete\"", helm[0].Files.Values.Single());
        Assert.Equal(["rollback", "kata-deploy", "1", "-n", "kube-system"], helm[1].Command);
        AssertOneAtATime(cleanup, ["node-a", "node-b", "node-c"], cordonedAlready: "node-c");
        AssertRolledBack(sandbox, "node-a", "node-b", "node-c");
    }

    /// <summary>The cleanup's calls: everything after the last step of the run.</summary>
    private static List<Call> CleanupCalls(Sandbox sandbox)
    {
        var all = sandbox.Calls.All;
        var start = all.Select((c, i) => (c, i)).Last(x => x.c.Tool == "helm" && x.c.Verb == "history" && x.c.Flag("--max") is null).i;
        return [.. all.Skip(start)];
    }

    /// <summary>
    /// Each node: cordoned (unless the failed run left it cordoned), its kata-deploy pod deleted,
    /// uncordoned (status rolled-back), before the next node is touched; the final helm rollback
    /// after the last; no pod deleted after it.
    /// </summary>
    private static void AssertOneAtATime(IReadOnlyList<Call> calls, string[] nodes, string cordonedAlready)
    {
        var events = new List<string>();
        foreach (var c in calls)
        {
            if (c.Tool == "kubectl" && c.Verb == "patch" && c.Command[1] == "node")
            {
                var patch = c.Flag("-p") ?? "";
                if (patch.Contains("\"unschedulable\":true"))
                    events.Add($"cordon {c.Command[2]}");
                if (patch.Contains("rolled-back"))
                    events.Add($"restored {c.Command[2]}");
            }
            if (c.Tool == "kubectl" && c.Verb == "delete" && c.Command[1] == "pod" && c.Command[2].StartsWith("kata-deploy-", StringComparison.Ordinal))
                events.Add($"delete {c.Flag("-n")}");
            if (c.Tool == "helm" && c.Verb == "rollback")
                events.Add("helm rollback");
        }
        List<string> expected = [.. nodes.SelectMany(n => (n == cordonedAlready ? new string[0] : [$"cordon {n}"]).Concat(["delete kube-system", $"restored {n}"])), "helm rollback"];
        Assert.Equal(expected, events);
    }

    /// <summary>Case 2 and the sunny canary → rest (one node each): the pre-rollout strategy returns; two revisions in all.</summary>
    [Fact]
    public void Case2_canary_then_rest_restores_the_pre_rollout_strategy_with_two_revisions_added_in_all()
    {
        var strategy = new JsonObject { ["updateStrategy"] = new JsonObject { ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 2 } } };
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a", "node-b").WithRelease(Scenario.From, values: strategy));
        var simulator = Scenario.Simulator(sandbox);

        Assert.Equal("Succeeded", Submit(simulator, Canary, ("nodes", "node-a")).Status);
        Assert.Equal("OnDelete", sandbox.State.UpdateStrategy());
        var rest = Submit(simulator, Rest);

        Assert.Equal("Succeeded", rest.Status);
        var history = sandbox.State.History();
        Assert.Equal(3, history.Count);
        Assert.Equal(Scenario.Target, history[^1].Version);
        // The user's strategy, rendered from the pre-rollout values.
        Assert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":2,"maxSurge":0}}""",
            sandbox.State.DaemonSet()["spec"]!["updateStrategy"]!.ToJsonString());
        Assert.Equal("""{"rollingUpdate":{"maxUnavailable":2}}""", history[^1].Config!["updateStrategy"]!.ToJsonString());
        Assert.Equal("completed", Rollout(sandbox)!["phase"]);
        Assert.All(sandbox.State.Nodes, n =>
        {
            Assert.Equal(("completed", Scenario.Target), (n.Status, n.Version));
            Assert.False(n.Labels.ContainsKey(LifecycleKeys.Rollout));
            Assert.Null(n.RunLabel);
            Assert.Equal(NewHash, sandbox.State.PodOn(n.Name).Hash);
        });
    }

    /// <summary>Case 3: a stale recover of a terminated run (after node-a) after a later run completed the rollout (node-b).</summary>
    [Fact]
    public void Case3_a_stale_recover_does_not_undo_a_completed_rollout()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes());
        var terminated = new WorkflowSimulator(sandbox, WorkflowSimulator.Rendered())
        {
            TerminateAfter = step => step.Node == "node-a",
        }.Run(Scenario.Parameters(), name: Canary);
        Assert.True(terminated.Terminated);
        Assert.Equal(Canary, sandbox.State.Node("node-a").RunLabel);
        Assert.Equal("Succeeded", Submit(Scenario.Simulator(sandbox), Rest).Status);
        var history = sandbox.State.History().Count;
        var pods = sandbox.State.Pods.Select(p => p.Name).ToList();
        var calls = sandbox.Calls.All.Count;

        var recover = Recover(sandbox, Canary);

        Assert.Equal("Succeeded", recover.Status);
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.Tool == "helm" && c.IsMutating);
        Assert.Equal(history, sandbox.State.History().Count);
        Assert.Equal(pods, sandbox.State.Pods.Select(p => p.Name).ToList());
        Assert.Equal("RollingUpdate", sandbox.State.UpdateStrategy());
        Assert.All(sandbox.State.Nodes, n => Assert.Equal(("completed", false), (n.Status, n.Unschedulable)));
        // The terminated run's stale labels go.
        Assert.All(sandbox.State.Nodes, n => Assert.Null(n.RunLabel));
        Assert.Contains("rollout kata-canary-a1b2c completed", recover.Step("cleanup").Stdout);
        Assert.Equal("completed", Rollout(sandbox)!["phase"]);
    }

    /// <summary>Case 4: the rollback never restarts kata-deploy on several nodes at once, and cordons and drains each.</summary>
    [Fact]
    public void Case4_a_rollback_cordons_drains_and_recycles_one_node_at_a_time_under_OnDelete()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes().VerificationOn("node-b", "Failed")
            .WithPod(SunnyPathTests.Workload("web-a", "node-a")).WithPod(SunnyPathTests.Workload("web-b", "node-b")));

        var run = Submit(Scenario.Simulator(sandbox), Scenario.Run, ("drain-enabled", "true"));

        Assert.Equal("Failed", run.Status);
        var cleanup = CleanupCalls(sandbox);
        AssertOneAtATime(cleanup, ["node-a", "node-b"], cordonedAlready: "node-b");
        // Each node is drained after its cordon and before its pod is recycled.
        var order = cleanup.Where(c => c.Tool == "kubectl" && c.Verb is "drain" or "delete" && (c.Verb == "drain" || c.Command[2].StartsWith("kata-deploy-", StringComparison.Ordinal)))
            .Select(c => c.Verb == "drain" ? $"drain {c.Command[1]}" : "recycle").ToList();
        Assert.Equal(["drain node-a", "recycle", "drain node-b", "recycle"], order);
        // The DaemonSet was OnDelete through every recycle: RollingUpdate came back with the last helm call.
        var upgrade = Assert.Single(cleanup, c => c.Tool == "helm" && c.Verb == "upgrade");
        Assert.Contains("\"OnDelete\"", upgrade.Files.Values.Single());
        AssertRolledBack(sandbox, "node-a", "node-b");
    }

    /// <summary>Case 5: deleting the Workflows (argo delete, TTL) loses nothing a recover needs.</summary>
    [Fact]
    public void Case5_recover_rolls_back_after_the_workflow_and_its_run_record_are_gone()
    {
        using var sandbox = SharedRuns.TerminatedAtNodeB.Fork();
        // argo delete: the garbage collector deletes what the Workflow owns.
        sandbox.Change(state =>
        {
            var configmaps = state["configmaps"]!.AsArray();
            foreach (var owned in configmaps.Where(c => c!["metadata"]!["ownerReferences"] is not null).ToList())
                configmaps.Remove(owned);
        });
        Assert.Null(sandbox.State.Record(Scenario.Run));

        var recover = Recover(sandbox, Scenario.Run);

        Assert.Equal("Succeeded", recover.Status);
        AssertRolledBack(sandbox, "node-a", "node-b");
        Assert.Null(sandbox.State.Node("node-c").Status);
    }

    /// <summary>Case 6: a failed finish after every node passed verification warns and never rolls back; a rerun completes it.</summary>
    [Fact]
    public void Case6_a_failed_finish_warns_and_a_rerun_of_the_same_target_completes_the_rollout()
    {
        using var sandbox = new Sandbox(Scenario.TwoNodes()
            .Fail("helm", "verification.pod=", "Error: failed to do request: Head \"https://ghcr.io/v2/kata-containers/kata-deploy-charts/kata-deploy/manifests/3.30.0\": denied"));
        var simulator = Scenario.Simulator(sandbox);

        var run = Submit(simulator, Scenario.Run);

        Assert.Equal("Failed", run.Status);
        Assert.StartsWith("WARNING: every node of rollout kata-upgrade-x7k2p runs kata-deploy 3.30.0 and passed verification", run.Step("finish").TerminationMessage);
        Assert.Contains("Complete it by running the same target again: argo submit --from workflowtemplate/kata-lifecycle-manager -p target-version=3.30.0", run.Cleanup.Stdout);
        Assert.Empty(sandbox.Calls.Of("helm", "rollback"));
        Assert.Equal("finishing", Rollout(sandbox)!["phase"]);
        Assert.All(sandbox.State.Nodes, n => Assert.Equal(("completed", NewHash), (n.Status, sandbox.State.PodOn(n.Name).Hash)));

        var again = Submit(simulator, Rest);

        Assert.Equal("Succeeded", again.Status);
        Assert.Equal(0, int.Parse(again.Step("select-nodes").Outputs["node-count"]));
        Assert.Equal("completed", Rollout(sandbox)!["phase"]);
        Assert.Equal("RollingUpdate", sandbox.State.UpdateStrategy());
        Assert.Equal(3, sandbox.State.History().Count);
    }

    /// <summary>Case 7: the exit handler's pod is scheduled off every node the rollout touched.</summary>
    [Fact]
    public void Case7_the_exit_handler_pod_never_lands_on_a_node_it_recycles()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes().VerificationOn("node-b", "Failed"));
        var simulator = new WorkflowSimulator(sandbox, WorkflowSimulator.Rendered()) { Schedule = true };
        Submit(simulator, Canary, ("nodes", "node-a"));

        var rest = Submit(simulator, Rest, ("nodes", "node-b"));

        Assert.Equal("Failed", rest.Status);
        Assert.Equal("node-c", rest.Cleanup.PodNode);
        AssertRolledBack(sandbox, "node-a", "node-b");
    }

    /// <summary>Case 8: argo retry of a run whose rollout is rolling back touches no node.</summary>
    [Fact]
    public void Case8_argo_retry_after_rollback_node_does_not_upgrade_or_mark_the_restored_node()
    {
        using var sandbox = SharedRuns.NodeBRolledBackAfterTermination.Fork();
        var rollback = Log("rollback-node", SharedRuns.NodeBRolledBackAfterTermination.Result);
        Assert.Equal("Succeeded", rollback.Status);
        Assert.Equal("rolled-back", sandbox.State.Node("node-b").Status);
        var calls = sandbox.Calls.All.Count;

        // argo retry: Argo runs the failed node's step again, as the template ran it.
        var retry = sandbox.Run("upgrade-node.sh", Scenario.Env(("NODE", "node-b")));
        output.WriteLine(retry.ToString());

        Assert.False(retry.Succeeded);
        Assert.Contains("rollout kata-upgrade-x7k2p is rolling-back, not staged", retry.Stderr);
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.IsMutating);
        Assert.Equal(("rolled-back", Scenario.From), (sandbox.State.Node("node-b").Status, sandbox.State.Node("node-b").Version));
    }

    /// <summary>Case 9: every field of the rollout record is validated on its own.</summary>
    [Fact]
    public void Case9_recover_refuses_a_record_with_one_bad_field_among_good_ones()
    {
        using var sandbox = SharedRuns.TerminatedAtNodeB.Fork();
        // Two JSON values: `jq -e` over them would judge only the last, valid one.
        sandbox.Change(state => state["configmaps"]!.AsArray().Single(c => ((string)c!["metadata"]!["name"]!).StartsWith(LifecycleKeys.RolloutRecordPrefix))!
            ["data"]!["pre-rollout-update-strategy"] = "\"RollingUpdate\" {}");
        var before = sandbox.State.Snapshot();

        var recover = Recover(sandbox, Scenario.Run);

        Assert.Equal("Failed", recover.Status);
        Assert.Contains("pre-rollout-update-strategy: '\"RollingUpdate\" {}' is not one JSON object", recover.Step("cleanup").TerminationMessage);
        Assert.Equal(before, sandbox.State.Snapshot());
    }

    /// <summary>Case 9, where a step's JSON input is judged: two values, of which only the last is an object.</summary>
    [Fact]
    public void Case9_a_json_input_of_two_values_is_refused_not_judged_by_the_last()
    {
        using var sandbox = new Sandbox(Scenario.ThreeNodes());

        var stage = sandbox.Run("stage.sh", Scenario.Env(("RELEASE_REVISION", "1"), ("UPDATE_STRATEGY", "5 {}")));
        output.WriteLine(stage.ToString());

        Assert.False(stage.Succeeded);
        Assert.Contains("update-strategy: '5 {}' is not a JSON object", stage.Stderr);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    /// <summary>Case 10: a release a killed Helm left pending-upgrade is named with the command that clears it.</summary>
    [Fact]
    public void Case10_a_pending_upgrade_release_is_refused_with_the_command_that_clears_it()
    {
        using var sandbox = new Sandbox(Cluster.WithNodes("node-a").WithRelease(Scenario.From, history:
            [new Revision(1, "3.29.0", "superseded"), new Revision(2, "3.29.0", "deployed"), new Revision(3, "3.30.0", "pending-upgrade")]));

        var run = Submit(Scenario.Simulator(sandbox), Scenario.Run);

        Assert.Equal("Failed", run.Status);
        Assert.Contains("is 'pending-upgrade': a Helm operation was interrupted and Helm refuses any other until it is cleared; clear it with: helm rollback kata-deploy 2 -n kube-system",
            run.Step("preflight").TerminationMessage);
        Assert.Empty(sandbox.Calls.Mutating);
    }

    /// <summary>A run to another target while a rollout is open is refused, and nothing changes.</summary>
    [Fact]
    public void A_run_to_another_target_while_a_rollout_is_open_is_refused_and_changes_nothing()
    {
        using var sandbox = CanaryOnNodeA.Fork();
        var simulator = Scenario.Simulator(sandbox);
        var before = sandbox.State.Snapshot();
        var calls = sandbox.Calls.All.Count;

        var other = Submit(simulator, Rest, ("target-version", "3.31.0"));

        Assert.Equal("Failed", other.Status);
        Assert.Equal(
            "target-version: rollout kata-canary-a1b2c of kube-system/kata-deploy to 3.30.0 is open (1 node(s) done, 2 left); nothing was changed. " +
            "Finish it: argo submit --from workflowtemplate/kata-lifecycle-manager -p target-version=3.30.0 -p helm-release=kata-deploy -p helm-namespace=kube-system ... " +
            "or roll it back: argo submit --from workflowtemplate/kata-lifecycle-manager --entrypoint recover -p run=kata-canary-a1b2c",
            other.Step("preflight").TerminationMessage);
        Assert.Contains("staged nothing", other.Cleanup.Stdout);
        Assert.DoesNotContain(sandbox.Calls.All.Skip(calls), c => c.IsMutating);
        Assert.Equal(before, sandbox.State.Snapshot());
    }

    /// <summary>Two pools (one node, then two), one run each: one rollout, the strategy restored after the second.</summary>
    [Fact]
    public void Two_pools_in_sequence_are_one_rollout()
    {
        var cluster = Cluster.WithNodes("gpu-1", "cpu-1", "cpu-2").WithRelease(Scenario.From)
            .Label("gpu-1", "pool", "gpu").Label("cpu-1", "pool", "cpu").Label("cpu-2", "pool", "cpu");
        using var sandbox = new Sandbox(cluster);
        var simulator = Scenario.Simulator(sandbox);

        var gpu = Submit(simulator, Canary, ("node-selector", "pool=gpu"));
        Assert.Equal("Succeeded", gpu.Status);
        Assert.Contains("finish: rollout kata-canary-a1b2c stays open (staged)", gpu.Step("finish").Stdout);
        Assert.Equal("OnDelete", sandbox.State.UpdateStrategy());
        Assert.Equal(OldHash, sandbox.State.PodOn("cpu-1").Hash);
        Assert.Equal(Canary, sandbox.State.Node("gpu-1").Labels[LifecycleKeys.Rollout]);

        var cpu = Submit(simulator, Rest, ("node-selector", "pool=cpu"));

        Assert.Equal("Succeeded", cpu.Status);
        Assert.Equal(["cpu-1", "cpu-2"], cpu.StepsNamed(LifecycleWorkflow.UpgradeNode).Select(s => s.Node));
        Assert.Equal("RollingUpdate", sandbox.State.UpdateStrategy());
        Assert.Equal(3, sandbox.State.History().Count);
        Assert.Equal("completed", Rollout(sandbox)!["phase"]);
        Assert.All(sandbox.State.Nodes, n => Assert.Equal(NewHash, sandbox.State.PodOn(n.Name).Hash));
    }
}
