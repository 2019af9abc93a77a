using KataArgo.Cli.Progress;
using KataArgo.Submitter;

namespace KataArgo.Cli.Tests;

/// <summary>The next command and node lists of the rollout block, for the cases the golden files of `status` do not show.</summary>
public class RolloutTextTests
{
    private static RolloutState State(IReadOnlyList<string> done, IReadOnlyList<string> left, RolloutPhase phase = RolloutPhase.Staged,
        string release = "kata-deploy", string helmNamespace = "kube-system", string workflowNamespace = "argo") => new(
        new RolloutRecord
        {
            Rollout = "kata-lifecycle-manager-c4nry",
            Release = release,
            Namespace = helmNamespace,
            Chart = "oci://ghcr.io/kata-containers/kata-deploy-charts/kata-deploy",
            DaemonSet = "kata-deploy",
            PreRolloutRevision = 3,
            PreRolloutVersion = "3.28.0",
            PreRolloutUpdateStrategy = """{"type":"RollingUpdate"}""",
            TargetVersion = "3.29.0",
            StagedRevision = 4,
            Phase = phase,
            Runs = ["kata-lifecycle-manager-c4nry"],
            Drain = false,
            DrainTimeout = "300s",
            VerificationNamespace = "default",
        },
        RolloutRecord.ConfigMapName(helmNamespace, release), workflowNamespace, done, left);

    private static string Row(string text, string name) => text.Split('\n').Single(l => l.StartsWith($"  {name}", StringComparison.Ordinal));

    [Fact]
    public void More_nodes_left_than_listed_continue_with_the_same_target_alone()
    {
        var left = Enumerable.Range(1, 12).Select(i => $"node-{i:00}").ToList();
        var text = RolloutText.Format(State(["node-a"], left));

        Assert.Equal("  nodes left:   12 (node-01, node-02, node-03, node-04, node-05, node-06, node-07, node-08, ...)", Row(text, "nodes left:"));
        Assert.Equal("  next:         kata-argo submit -p target-version=3.29.0   (the 12 nodes left; add -p nodes=... or -p node-selector=... for a part)", Row(text, "next:"));
    }

    [Fact]
    public void Every_node_done_while_staged_reruns_the_target_to_finish()
    {
        var text = RolloutText.Format(State(["node-a", "node-b"], []));

        Assert.Equal("  nodes left:   0", Row(text, "nodes left:"));
        Assert.Equal("  next:         kata-argo submit -p target-version=3.29.0   (every node is done; the same target finishes the rollout)", Row(text, "next:"));
    }

    [Fact]
    public void Commands_name_a_release_and_namespaces_other_than_the_defaults()
    {
        var state = State([], ["node-a"], release: "kata", helmNamespace: "kata-system", workflowNamespace: "kata-ops");

        Assert.Equal("kata-argo submit -n kata-ops -p target-version=3.29.0 -p helm-release=kata -p helm-namespace=kata-system -p nodes=node-a", RolloutText.Continue(state));
        Assert.Equal("kata-argo submit -n kata-ops --entrypoint recover -p run=kata-lifecycle-manager-c4nry -p helm-release=kata -p helm-namespace=kata-system", RolloutText.Recover(state));
        Assert.Equal("argo submit --from workflowtemplate/kata-lifecycle-manager -p target-version=3.29.0 -p helm-release=kata -p helm-namespace=kata-system ...", RolloutRules.ArgoSubmit(state.Record));
    }

    [Fact]
    public void A_finishing_rollout_reruns_the_target_without_a_node_list()
    {
        var text = RolloutText.Format(State(["node-a"], ["node-b"], RolloutPhase.Finishing));

        Assert.Equal("  next:         kata-argo submit -p target-version=3.29.0   (finish's helm upgrade did not complete; the same target retries it)", Row(text, "next:"));
    }

    [Theory]
    [InlineData(RolloutPhase.Completed, "completed")]
    [InlineData(RolloutPhase.RolledBack, "rolled back")]
    public void A_closed_rollout_is_one_line(RolloutPhase phase, string outcome)
    {
        Assert.Equal($"Last rollout kata-lifecycle-manager-c4nry (Helm release kata-deploy in kube-system): 3.28.0 -> 3.29.0 {outcome} (1 run)\n",
            RolloutText.Format(State([], [], phase)));
    }
}
