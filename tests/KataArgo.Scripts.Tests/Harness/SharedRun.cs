namespace KataArgo.Scripts.Tests.Harness;

/// <summary>
/// A scenario several tests read: run once per test process (whichever test asks first), its
/// sandbox then kept, read-only, until the process ends. A test that goes on from it (another
/// run, a change of the cluster) takes a <see cref="Fork"/>. Whole workflow runs are most of this
/// project's test time (each step script starts jq dozens of times), so a scenario is run once,
/// not once per test that asserts on it.
/// </summary>
public sealed class SharedRun<T>(Func<Sandbox> start, Func<Sandbox, T> run)
{
    /// <summary>The scenario RUN on a new sandbox holding CLUSTER.</summary>
    public SharedRun(Func<Cluster> cluster, Func<Sandbox, T> run) : this(() => new Sandbox(cluster()), run)
    {
    }

    /// <summary>The scenario RUN on a fork of where FROM ended.</summary>
    public SharedRun(SharedRun<WorkflowRun> from, Func<Sandbox, T> run) : this(from.Fork, run)
    {
    }

    private static readonly List<Sandbox> Kept = [];

    static SharedRun() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        lock (Kept)
            foreach (var sandbox in Kept)
                sandbox.Dispose();
    };

    private readonly Lazy<(Sandbox Sandbox, ClusterState Before, T Result)> _done = new(() =>
    {
        var sandbox = start();
        lock (Kept)
            Kept.Add(sandbox);
        var before = sandbox.State;
        var result = run(sandbox);
        sandbox.StopServer();
        return (sandbox, before, result);
    });

    /// <summary>The cluster as the scenario found it.</summary>
    public ClusterState Before => _done.Value.Before;

    /// <summary>The sandbox as the scenario left it: read its State and Calls, never run or change it.</summary>
    public Sandbox Sandbox => _done.Value.Sandbox;

    public T Result => _done.Value.Result;

    /// <summary>A sandbox of its own, starting where the scenario ended.</summary>
    public Sandbox Fork() => _done.Value.Sandbox.Fork();
}
