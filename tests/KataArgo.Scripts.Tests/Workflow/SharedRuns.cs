using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>
/// Whole runs that more than one test asserts on or goes on from (see <see cref="SharedRun{T}"/>);
/// <see cref="RbacCoverageTests"/> reads the calls of all of them.
/// </summary>
internal static class SharedRuns
{
    public const string RecoverRun = "kata-recover-q9z8w";

    /// <summary>Two nodes upgraded by one successful run.</summary>
    public static readonly SharedRun<WorkflowRun> TwoNodesUpgraded = new(Scenario.TwoNodes, s => Scenario.Upgrade(s));

    /// <summary><see cref="TwoNodesUpgraded"/>, then recover of that run.</summary>
    public static readonly SharedRun<WorkflowRun> RecoveredAfterSuccess = new(TwoNodesUpgraded, s => Recover(s, Scenario.Run));

    /// <summary><see cref="TwoNodesUpgraded"/>, then rollback-node of node-a.</summary>
    public static readonly SharedRun<WorkflowRun> NodeRolledBackAfterSuccess = new(TwoNodesUpgraded, s => RollbackNode(s, "node-a"));

    /// <summary>
    /// Three nodes; node-b's verification fails and the run is terminated (argo terminate) while
    /// node-b's pod runs: no exit handler, node-a upgraded, node-b cordoned, node-c untouched.
    /// </summary>
    public static readonly SharedRun<WorkflowRun> TerminatedAtNodeB = new(
        () => Scenario.ThreeNodes().VerificationOn("node-b", "Failed"),
        s => new WorkflowSimulator(s, WorkflowSimulator.Rendered()) { TerminateAfter = step => step.Node == "node-b" }.Run(Scenario.Parameters()));

    /// <summary><see cref="TerminatedAtNodeB"/>, then recover of the terminated run.</summary>
    public static readonly SharedRun<WorkflowRun> RecoveredAfterTermination = new(TerminatedAtNodeB, s => Recover(s, Scenario.Run));

    /// <summary><see cref="TerminatedAtNodeB"/>, then rollback-node of node-b.</summary>
    public static readonly SharedRun<WorkflowRun> NodeBRolledBackAfterTermination = new(TerminatedAtNodeB, s => RollbackNode(s, "node-b"));

    /// <summary>One node with a workload, upgraded with drain-enabled.</summary>
    public static readonly SharedRun<WorkflowRun> Drained = new(
        () => Cluster.WithNodes("node-a").WithRelease(Scenario.From).WithPod(SunnyPathTests.Workload("web-1", "node-a")),
        s => Scenario.Upgrade(s, ("drain-enabled", "true"), ("drain-timeout", "120s")));

    /// <summary>
    /// Three nodes at revision 2 of the release; node-b's verification pod goes Pending, Running,
    /// Failed: the exit handler rolls back to the recorded revision.
    /// </summary>
    public static readonly SharedRun<WorkflowRun> FailedVerification = new(
        () => Cluster.WithNodes(Scenario.Nodes).WithRelease(Scenario.From, history:
            [new Revision(1, "3.29.0", "superseded"), new Revision(2, "3.29.0", "deployed", new System.Text.Json.Nodes.JsonObject { ["debug"] = true })])
            .VerificationOn("node-b", "Pending", "Running", "Failed"),
        s => Scenario.Upgrade(s));

    /// <summary>One node whose new kata-deploy pod never gets Ready (it logs why) within recycle-timeout 1s.</summary>
    public static readonly SharedRun<WorkflowRun> RecycleTimedOut = new(
        () => Cluster.WithNodes("node-a").WithRelease(Scenario.From)
            .NeverReady("node-a", Scenario.Target, logs: "kata-deploy: containerd restart failed: exit status 1"),
        s => Scenario.Upgrade(s, ("recycle-timeout", "1s")));

    /// <summary>Every shared run, for the tests that read the calls of all of them.</summary>
    public static IEnumerable<SharedRun<WorkflowRun>> All =>
    [
        TwoNodesUpgraded, RecoveredAfterSuccess, NodeRolledBackAfterSuccess, TerminatedAtNodeB, RecoveredAfterTermination,
        NodeBRolledBackAfterTermination, Drained, FailedVerification, RecycleTimedOut,
    ];

    public static WorkflowRun Recover(Sandbox sandbox, string run) =>
        Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["run"] = run },
            entrypoint: LifecycleWorkflow.Recover, name: RecoverRun, uid: "6d0c9f3a-1b2e-4c5d-8e7f-0a1b2c3d4e5f");

    public static WorkflowRun RollbackNode(Sandbox sandbox, string node) =>
        Scenario.Simulator(sandbox).Run(new Dictionary<string, string> { ["node-name"] = node },
            entrypoint: LifecycleWorkflow.RollbackNode, name: "kata-rollback-node-r2d2x", uid: "7e1d0a4b-2c3f-4d6e-9f80-1b2c3d4e5f60");
}
