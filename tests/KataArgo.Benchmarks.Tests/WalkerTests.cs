using Argo.Workflows.Client;
using KataArgo.Benchmarks.Model;
using static KataArgo.Benchmarks.Tests.Templates;

namespace KataArgo.Benchmarks.Tests;

public class WalkerTests
{
    private static readonly string[] Fleet =
        ["gke-prod-gpu-pool-3f2a9c1d-x7k2", "ip-10-12-134-27.us-west-2.compute.internal", "aks-katapool-31477382-vmss00002a"];

    /// <summary>
    /// Argo's own fail-fast loop (argo-workflows v4.1.2 workflow/controller/operator_test.go,
    /// <c>stepsFailFast</c>): a withParam loop, one item at a time, over a two-group template whose
    /// second step retries. The entries a sunny run shares with the status Argo recorded there
    /// must have the same names, IDs, types, boundaries and children.
    /// </summary>
    [Fact]
    public void A_loop_with_a_retried_step_records_the_entries_argo_recorded_for_it()
    {
        var template = Workflow("seq-loop", "seq-loop",
            Steps("seq-loop", [Loop(Step("iteration", "iteration"), "{{inputs.parameters.items}}")]),
            Steps("iteration", [Step("step1", "succeed-step")], [Step("step2", "failed-step")]),
            Container("succeed-step"),
            Retried(Container("failed-step")));
        var loop = template.Spec.Templates![0];
        loop.Inputs = new Inputs { Parameters = [new Parameter { Name = "items" }] };
        loop.Parallelism = 1;
        loop.FailFast = true;
        template.Spec.Arguments = new Arguments { Parameters = [new Parameter { Name = "items", Value = "[]" }] };

        var run = Run(template, ["a", "b", "c"], "pz4hh");

        Assert.Equal(20, run.Entries.Count); // root, its group, and per item: Steps, 2 groups, a pod, a Retry and its attempt
        Assert.Equal(18, run.FleetEntries);
        var root = run.ById["seq-loop-pz4hh"];
        Assert.Equal(("Steps", "seq-loop", "seq-loop-pz4hh"), (root.Type, root.TemplateName, root.DisplayName));
        Assert.Equal(["seq-loop-pz4hh-3652003332"], root.Children);
        Expect(run, "seq-loop-pz4hh-3652003332", "seq-loop-pz4hh[0]", "[0]", "StepGroup", "seq-loop-pz4hh");
        Expect(run, "seq-loop-pz4hh-1269516111", "seq-loop-pz4hh[0].iteration(0:a)", "iteration(0:a)", "Steps", "seq-loop-pz4hh", "seq-loop-pz4hh-3596771579");
        Expect(run, "seq-loop-pz4hh-3596771579", "seq-loop-pz4hh[0].iteration(0:a)[0]", "[0]", "StepGroup", "seq-loop-pz4hh-1269516111", "seq-loop-pz4hh-4031713604");
        Expect(run, "seq-loop-pz4hh-4031713604", "seq-loop-pz4hh[0].iteration(0:a)[0].step1", "step1", "Pod", "seq-loop-pz4hh-1269516111", "seq-loop-pz4hh-3664029150");
        Expect(run, "seq-loop-pz4hh-3664029150", "seq-loop-pz4hh[0].iteration(0:a)[1]", "[1]", "StepGroup", "seq-loop-pz4hh-1269516111", "seq-loop-pz4hh-1287186880");
        Expect(run, "seq-loop-pz4hh-1287186880", "seq-loop-pz4hh[0].iteration(0:a)[1].step2", "step2", "Retry", "seq-loop-pz4hh-1269516111", "seq-loop-pz4hh-347271843");
        Expect(run, "seq-loop-pz4hh-347271843", "seq-loop-pz4hh[0].iteration(0:a)[1].step2(0)", "step2(0)", "Pod", "seq-loop-pz4hh-1269516111");
        Assert.Equal(["seq-loop-pz4hh-347271843"], run.ById["seq-loop-pz4hh-1269516111"].OutboundNodes);
        Assert.Equal(3, run.ById["seq-loop-pz4hh-3652003332"].Children!.Count);
        Assert.True(run.ById["seq-loop-pz4hh-347271843"].NodeFlag!.Retried);
        Assert.Null(run.ById["seq-loop-pz4hh-1287186880"].NodeFlag);
    }

    [Fact]
    public void A_three_item_withParam_loop_with_a_retry_and_a_skipped_step_records_the_tree_argo_would()
    {
        var run = Run(LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });
        var wf = "bench-x7k2p";

        Assert.Equal(33, run.Entries.Count); // 6 outside the loop, 9 per item
        Assert.Equal((27, 6, 8), (run.FleetEntries, run.FleetPods, run.Pods.Count));
        var types = run.Nodes.GroupBy(n => n.Type!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["Steps"] = 4, ["StepGroup"] = 12, ["Pod"] = 8, ["Retry"] = 6, ["Skipped"] = 3 }, types);

        var item = run.Node($"{wf}[1].each(1:{Fleet[1]})");
        var group0 = run.Node($"{item.Name}[0]");
        var retry = run.Node($"{item.Name}[0].a");
        var attempt = run.Node($"{item.Name}[0].a(0)");
        var group1 = run.Node($"{item.Name}[1]");
        var skipped = run.Node($"{item.Name}[1].b");
        var group2 = run.Node($"{item.Name}[2]");
        var lastRetry = run.Node($"{item.Name}[2].c");
        var last = run.Node($"{item.Name}[2].c(0)");
        var after = run.Node($"{wf}[2]");

        Assert.Equal(("Steps", $"each(1:{Fleet[1]})", run.Node($"{wf}").Id), (item.Type, item.DisplayName, item.BoundaryID));
        Assert.Equal([group0.Id], item.Children);
        Assert.Equal([retry.Id], group0.Children);
        Assert.Equal([attempt.Id], retry.Children);
        Assert.Equal([group1.Id], attempt.Children);
        Assert.Equal([skipped.Id], group1.Children);
        Assert.Equal([group2.Id], skipped.Children);
        Assert.Equal([lastRetry.Id], group2.Children);
        Assert.Equal([last.Id], lastRetry.Children);
        Assert.Equal([after.Id], last.Children);
        Assert.Equal([last.Id], item.OutboundNodes);
        Assert.All(new[] { group0, retry, attempt, group1, skipped, group2, lastRetry, last }, n => Assert.Equal(item.Id, n.BoundaryID));
        Assert.Equal(("Retry", "a", "work"), (retry.Type, retry.DisplayName, retry.TemplateName));
        Assert.Equal(("Pod", "a(0)", true), (attempt.Type, attempt.DisplayName, attempt.NodeFlag!.Retried));
        Assert.Equal(("Skipped", "Skipped", "when 'false == true' evaluated false"), (skipped.Type, skipped.Phase, skipped.Message));
        Assert.Equal(Fleet[1], Assert.Single(item.Inputs!.Parameters!, p => p.Name == "node").Value);
        Assert.Equal(Fleet[1], Assert.Single(attempt.Inputs!.Parameters!).Value);
        Assert.Equal(3, run.Nodes.Count(n => n.Children?.Contains(after.Id) == true)); // every item's last pod leads to the next group
    }

    [Fact]
    public void A_true_when_runs_the_step_instead_of_skipping_it()
    {
        var run = Run(LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "true" });

        Assert.DoesNotContain(run.Nodes, n => n.Type == "Skipped");
        Assert.Equal(3, run.Nodes.Count(n => n.DisplayName == "b" && n.Type == "Retry"));
        Assert.Equal(3, run.Nodes.Count(n => n.DisplayName == "b(0)" && n.Type == "Pod"));
    }

    [Fact]
    public void The_output_that_feeds_withParam_carries_the_fleet_and_a_numeric_when_gets_its_size()
    {
        var run = Run(LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });

        Assert.Equal(ValueRole.NodeList, run.Roles.OfOutput("lister", "nodes"));
        Assert.Equal(ValueRole.NodeCount, run.Roles.OfOutput("lister", "count"));
        var lister = run.Nodes.Single(n => n.TemplateName == "lister");
        Assert.Equal("[\"gke-prod-gpu-pool-3f2a9c1d-x7k2\",\"ip-10-12-134-27.us-west-2.compute.internal\",\"aks-katapool-31477382-vmss00002a\"]",
            lister.Outputs!.Parameters!.Single(p => p.Name == "nodes").Value);
        Assert.Equal("3", lister.Outputs.Parameters!.Single(p => p.Name == "count").Value);
        Assert.Equal("0", lister.Outputs.ExitCode);
    }

    [Fact]
    public void A_loop_whose_when_is_false_over_a_list_argo_has_substituted_skips_every_item()
    {
        var template = LoopTemplate();
        var main = template.Spec.Templates!.Single(t => t.Name == "main");
        main.Inputs = new Inputs { Parameters = [new Parameter { Name = "extra" }] };
        main.Steps![1][0].WithParam = "[\"a1\",\"b2\"]";
        main.Steps[1][0].When = "{{inputs.parameters.extra}} == true";

        var run = Run(template, Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });

        var skipped = run.Nodes.Where(n => n.Type == "Skipped").ToList();
        Assert.Equal(["bench-x7k2p[1].each(0:a1)", "bench-x7k2p[1].each(1:b2)"], skipped.Select(n => n.Name));
        Assert.All(skipped, n => Assert.Equal("when 'false == true' evaluated false", n.Message));
    }

    [Fact]
    public void An_empty_list_records_one_skipped_entry()
    {
        var run = Run(LoopTemplate(), [], "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });

        var skipped = Assert.Single(run.Nodes, n => n.Type == "Skipped");
        Assert.Equal(("bench-x7k2p[1].each", "Skipped, empty params"), (skipped.Name, skipped.Message));
        Assert.Equal(0, run.FleetEntries);
    }

    [Fact]
    public void Exit_handlers_are_hooked_entries_outside_the_root_and_after_their_step()
    {
        var template = Workflow("bench", "main",
            Steps("main", [new WorkflowStep { Name = "work", Template = "work", OnExit = "notify" }]),
            Steps("exit-handler", [Step("cleanup", "notify")]),
            Container("work"),
            Container("notify"));
        template.Spec.OnExit = "exit-handler";

        var run = Run(template, Fleet, "x7k2p");

        var exit = run.Node("bench-x7k2p.onExit");
        Assert.Equal(("Steps", "bench-x7k2p.onExit", null, true), (exit.Type, exit.DisplayName, exit.BoundaryID, exit.NodeFlag!.Hooked));
        Assert.Equal(exit.Id, run.Node("bench-x7k2p.onExit[0].cleanup").BoundaryID);
        var stepHook = run.Node("bench-x7k2p[0].work.onExit");
        Assert.Equal(("Pod", "work.onExit", true), (stepHook.Type, stepHook.DisplayName, stepHook.NodeFlag!.Hooked));
        Assert.Equal([stepHook.Id], run.Node("bench-x7k2p[0].work").Children);
        Assert.DoesNotContain(exit.Id, run.Node("bench-x7k2p").Children!);
    }

    [Fact]
    public void Progress_and_resource_durations_sum_everything_reachable_through_children()
    {
        var run = Run(LoopTemplate(), Fleet, "x7k2p", new Dictionary<string, string> { ["extra"] = "false" });

        Assert.Equal("8/8", run.Node("bench-x7k2p").Progress);
        var skipped = run.Node($"bench-x7k2p[1].each(0:{Fleet[0]})[1].b");
        Assert.Equal("2/2", skipped.Progress); // the item's last pod, then the step after the loop
        var pods = new[] { run.Node($"bench-x7k2p[1].each(0:{Fleet[0]})[2].c(0)"), run.Node("bench-x7k2p[2].done") };
        Assert.Equal(pods.Sum(p => p.ResourcesDuration!["cpu"]), skipped.ResourcesDuration!["cpu"]);
        Assert.All(run.Nodes.Where(n => n.Type == "Pod"), p => Assert.Equal("1/1", p.Progress));
    }

    [Fact]
    public void Templates_the_model_does_not_cover_are_refused_by_name()
    {
        var template = Workflow("bench", "main", new Template { Name = "main", Dag = new DAGTemplate { Tasks = [] } });

        var error = Assert.Throws<NotSupportedException>(() => Run(template, Fleet, "x7k2p"));
        Assert.Contains("template 'main': DAG", error.Message);
    }

    /// <summary>
    /// bench: lister (outputs the node list and its count) → each node: a, b (when extra), c, all
    /// three on the retried template "work" → done; the loop only when the count is above zero.
    /// </summary>
    internal static WorkflowTemplate LoopTemplate()
    {
        var lister = Container("lister");
        lister.Outputs = new Outputs
        {
            Parameters =
            [
                new Parameter { Name = "nodes", ValueFrom = new ValueFrom { Path = "/tmp/nodes" } },
                new Parameter { Name = "count", ValueFrom = new ValueFrom { Path = "/tmp/count" } },
            ],
        };
        var each = Loop(Step("each", "per-node", ("node", "{{item}}")), "{{steps.list.outputs.parameters.nodes}}");
        each.When = "{{steps.list.outputs.parameters.count}} > 0";
        var perNode = Steps("per-node",
            [Step("a", "work", ("node", "{{inputs.parameters.node}}"))],
            [When(Step("b", "work", ("node", "{{inputs.parameters.node}}")), "{{workflow.parameters.extra}} == true")],
            [Step("c", "work", ("node", "{{inputs.parameters.node}}"))]);
        perNode.Inputs = new Inputs { Parameters = [new Parameter { Name = "node" }] };
        perNode.Parallelism = 1;
        var template = Workflow("bench", "main",
            Steps("main", [Step("list", "lister")], [each], [Step("done", "finisher")]),
            perNode,
            Retried(Container("work", "node")),
            lister,
            Container("finisher"));
        template.Spec.Arguments = new Arguments { Parameters = [new Parameter { Name = "extra", Value = "false" }] };
        return template;
    }

    private static WorkflowStep Loop(WorkflowStep step, string list)
    {
        step.WithParam = list;
        return step;
    }

    private static WorkflowStep When(WorkflowStep step, string condition)
    {
        step.When = condition;
        return step;
    }

    private static Template Retried(Template template)
    {
        template.RetryStrategy = new RetryStrategy { Limit = "1" };
        return template;
    }

    private static void Expect(RecordedRun run, string id, string name, string display, string type, string boundary, params string[] children)
    {
        var node = run.ById[id];
        Assert.Equal((name, display, type, boundary), (node.Name, node.DisplayName, node.Type, node.BoundaryID));
        if (children.Length > 0)
            Assert.Equal(children, node.Children);
    }
}
