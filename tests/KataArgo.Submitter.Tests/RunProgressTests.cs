using System.Text.Json;
using Argo.Workflows.Client;
using KataArgo.Submitter.Tests.Fakes;

namespace KataArgo.Submitter.Tests;

/// <summary>The Workflow → per-node progress reading, on the recorded runs and their replayed states.</summary>
public class RunProgressTests
{
    private static RunProgress Read(WorkflowReplay replay, int step) =>
        RunProgress.Read(replay.At(step).Deserialize<Workflow>(ArgoJson.Options)!);

    [Fact]
    public void Sunny_run_ends_with_every_node_completed_at_the_target()
    {
        var run = Read(WorkflowReplay.Load("sunny"), int.MaxValue);
        Assert.Equal("Succeeded", run.Phase);
        Assert.Equal(["node-a", "node-b", "node-c"], run.Nodes.Select(n => n.Node));
        Assert.All(run.Nodes, n => Assert.Equal(("completed", "3.30.0"), (n.Status, n.Version)));
        Assert.Equal(("3.29.0", "3.30.0"), (run.FromVersion, run.TargetVersion));
        Assert.Equal(TimeSpan.FromSeconds(125), run.Nodes[0].Elapsed(DateTimeOffset.MaxValue));
        Assert.Null(run.Failure);
    }

    [Fact]
    public void Rainy_run_names_the_failed_node_and_step_and_the_rollback()
    {
        var run = Read(WorkflowReplay.Load("rainy"), int.MaxValue);
        Assert.Equal("Failed", run.Phase);
        Assert.Equal(new RunFailure("node-b", "verify", "verification failed (pod phase Failed) after 56s"), run.Failure);
        Assert.Equal(["rolled-back", "rolled-back", NodeProgress.NotStarted], run.Nodes.Select(n => n.Status));
        Assert.Equal(["3.29.0", "3.29.0", "3.29.0"], run.Nodes.Select(n => n.Version));
        Assert.True(run.Nodes[1].Failed);
        Assert.False(run.CleanupFailed);
        Assert.Contains(run.Events, e => e is { Subject: ProgressSubject.Node, Name: "node-b", Status: "failed" });
    }

    [Fact]
    public void Replayed_states_go_through_every_status_in_order()
    {
        var replay = WorkflowReplay.Load("sunny");
        var seen = new List<string>();
        for (var step = 0; step < replay.Steps; step++)
        {
            var status = Read(replay, step).Nodes.SingleOrDefault(n => n.Node == "node-b")?.Status;
            if (status is not null && (seen.Count == 0 || seen[^1] != status))
                seen.Add(status);
        }
        Assert.Equal(["pending", "cordoned", "upgrading", "verifying", "completed"], seen);
    }

    [Fact]
    public void Events_do_not_depend_on_how_often_the_run_was_looked_at()
    {
        var replay = WorkflowReplay.Load("rainy");
        var everyStep = Enumerable.Range(0, replay.Steps).SelectMany(s => Read(replay, s).Events).Distinct().ToList();
        var lastOnly = Read(replay, replay.Steps - 1).Events;
        Assert.Equal(lastOnly, everyStep.OrderBy(e => e.At).ToList());
    }

    [Fact]
    public void A_submitted_workflow_without_status_is_pending_with_no_nodes()
    {
        var run = RunProgress.Read(WorkflowReplay.Load("sunny").Submitted().Deserialize<Workflow>(ArgoJson.Options)!);
        Assert.Equal("Pending", run.Phase);
        Assert.Empty(run.Nodes);
        Assert.Empty(run.Events);
    }
}
