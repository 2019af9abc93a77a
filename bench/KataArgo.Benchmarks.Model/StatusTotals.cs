using System.Globalization;
using Argo.Workflows.Client;

namespace KataArgo.Benchmarks.Model;

/// <summary>
/// What the controller derives from the node graph before it persists a Workflow
/// (<c>getOutboundNodes</c> in operator.go; <c>progress.UpdateProgress</c>; <c>resource.UpdateResourceDurations</c>):
/// every non-pod node sums the progress and resource durations of all nodes reachable through
/// <c>children</c>, which, because a step group hangs below the previous group's outbound nodes,
/// includes everything that ran after it in the same chain.
/// </summary>
internal static class StatusTotals
{
    public static IEnumerable<string> Outbound(string id, IReadOnlyDictionary<string, NodeStatus> byId)
    {
        var node = byId[id];
        switch (node.Type)
        {
            case "Skipped" or "Suspend" or "HTTP" or "Plugin" or "Pod":
                return [id];
            case "Retry" when node.Children is { Count: > 0 } children:
                return [children[^1]];
            default:
                return (node.OutboundNodes ?? []).SelectMany(o => Outbound(o, byId)).ToList();
        }
    }

    public static void Apply(IReadOnlyList<NodeStatus> nodes, IReadOnlyDictionary<string, NodeStatus> byId)
    {
        // Indices instead of IDs, and one visit stamp array instead of a set per node: a large
        // fleet has hundreds of thousands of entries, and a few of them reach all the others.
        var index = new Dictionary<string, int>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
            index.TryAdd(nodes[i].Id, i);
        var children = nodes.Select(n => (n.Children ?? []).Where(index.ContainsKey).Select(c => index[c]).ToArray()).ToArray();
        var isPod = nodes.Select(n => n.Type == "Pod").ToArray();
        var progress = nodes.Select(n => n.Type == "Pod" ? Parse(n.Progress ?? "0/1") : (Done: 0L, Total: 0L)).ToArray();
        var names = nodes.Where(n => n.Type == "Pod").SelectMany(n => n.ResourcesDuration?.Keys.AsEnumerable() ?? []).Distinct().Order(StringComparer.Ordinal).ToArray();
        var durations = nodes.Select(n => names.Select(name => n.ResourcesDuration?.GetValueOrDefault(name) ?? 0).ToArray()).ToArray();
        var stamp = new int[nodes.Count];
        var pending = new Stack<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (isPod[i])
                continue;
            long done = 0, total = 0;
            var sums = new long[names.Length];
            var pods = 0;
            foreach (var c in children[i])
                pending.Push(c);
            while (pending.Count > 0)
            {
                var c = pending.Pop();
                if (stamp[c] == i + 1)
                    continue;
                stamp[c] = i + 1;
                if (isPod[c])
                {
                    pods++;
                    done += progress[c].Done;
                    total += progress[c].Total;
                    for (var k = 0; k < names.Length; k++)
                        sums[k] += durations[c][k];
                }
                foreach (var g in children[c])
                    pending.Push(g);
            }
            var node = nodes[i];
            if (total > 0 && done <= total)
                node.Progress = done.ToString(CultureInfo.InvariantCulture) + "/" + total.ToString(CultureInfo.InvariantCulture);
            if (pods > 0 && node.Phase is "Succeeded" or "Failed" or "Error" or "Skipped" or "Omitted")
                node.ResourcesDuration = names.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => sums[p.k]);
        }
    }

    private static (long Done, long Total) Parse(string progress)
    {
        var slash = progress.IndexOf('/', StringComparison.Ordinal);
        return (long.Parse(progress.AsSpan(0, slash), CultureInfo.InvariantCulture), long.Parse(progress.AsSpan(slash + 1), CultureInfo.InvariantCulture));
    }

    /// <summary>The Workflow's own progress and resource durations: the sums over its pods.</summary>
    public static (string Progress, Dictionary<string, long> Durations) Workflow(IEnumerable<NodeStatus> nodes)
    {
        long done = 0, total = 0;
        var durations = new Dictionary<string, long>();
        foreach (var pod in nodes.Where(n => n.Type == "Pod"))
        {
            var parts = (pod.Progress ?? "0/1").Split('/');
            done += long.Parse(parts[0], CultureInfo.InvariantCulture);
            total += long.Parse(parts[1], CultureInfo.InvariantCulture);
            foreach (var (name, seconds) in pod.ResourcesDuration ?? [])
                durations[name] = durations.GetValueOrDefault(name) + seconds;
        }
        return (done + "/" + total, durations);
    }
}
