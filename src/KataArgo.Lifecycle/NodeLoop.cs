namespace KataArgo.Lifecycle;

/// <summary>
/// How many nodes one run holds and what its per-node loop iterates (lib.sh: check_plan_size,
/// loop_items, with the same numbers; a test runs both). The numbers come from the Workflow size
/// benchmark (bench/KataArgo.Benchmarks, docs/workflow.md "Scale"): every loop entry costs about
/// 80 compressed bytes of the Workflow's 1 MiB (Argo's MAX_WORKFLOW_SIZE), a node name in it
/// about 25 more.
/// </summary>
public static class NodeLoop
{
    /// <summary>Up to this many planned nodes the loop iterates node names, shown by the Argo UI per entry.</summary>
    public const int NamedMaxNodes = 5_000;

    /// <summary>The most nodes one run holds: at this size its Workflow keeps about a fifth of 1 MiB free.</summary>
    public const int MaxPlannedNodes = 10_000;

    /// <summary>The most bytes of plan (a JSON list of node names) one run holds: its plan ConfigMap stays under 1 MiB.</summary>
    public const int MaxPlanBytes = 900_000;

    /// <summary>
    /// The loop's items for a plan: its node names while there are at most
    /// <see cref="NamedMaxNodes"/>, else "#I", each node's index in the plan, which upgrade-node.sh
    /// reads back from the run's plan ConfigMap.
    /// </summary>
    public static IReadOnlyList<string> Items(IReadOnlyList<string> plan) =>
        plan.Count <= NamedMaxNodes ? plan : [.. Enumerable.Range(0, plan.Count).Select(i => "#" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
