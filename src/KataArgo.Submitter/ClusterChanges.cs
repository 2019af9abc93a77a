using System.Text.Json;
using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;

namespace KataArgo.Submitter;

/// <summary>
/// One change stage's upgrade makes to a cluster-scoped object of the kata-deploy release.
/// <c>When</c>: <c>recycle</c> (takes effect on a node when its kata-deploy pod is recycled),
/// <c>at-once</c> (at stage, on every node), <c>none</c> (no effect on nodes). <c>Verdict</c>:
/// <c>go</c>, <c>warn</c>, <c>label</c> (safe once stage labels the nodes where the release is
/// installed), <c>refuse</c> (it would strand Kata pods on nodes not yet upgraded).
/// </summary>
public sealed record ClusterChange(string Kind, string Name, string Field, string Change, string From, string To, string When, string Verdict);

/// <summary>Like changes of several objects as one line; <c>Verdict</c> as <see cref="ClusterChange"/>.</summary>
public sealed record ClusterChangeLine(string Verdict, string Line)
{
    /// <summary>As preflight logs it: <c>refused: </c>, <c>warning: </c> or nothing before the line.</summary>
    public string Tagged => Verdict switch
    {
        "refuse" => "refused: " + Line,
        "warn" => "warning: " + Line,
        _ => Line,
    };
}

/// <summary>
/// What stage's upgrade changes in cluster-scoped objects, from the release's manifest and the
/// target's: the C# twin of lib.sh's <c>JQ_CLUSTER_CHANGES</c> (same records, same lines; a test
/// runs both over every pair of real charts). Kubernetes semantics decide the timing (a
/// RuntimeClass or ClusterRole applies to every node at once; a new RuntimeClass's handler exists
/// on a node once it is upgraded), <see cref="KataDeployVersions"/> which label only kata-deploy
/// writes once installed.
/// </summary>
public static class ClusterChanges
{
    /// <summary>The objects of a manifest as Helm prints it (YAML documents).</summary>
    public static List<JsonObject> Objects(string manifest) =>
        [.. ArgoYaml.LoadAll(manifest).Select(d => d.Root).OfType<JsonObject>()];

    public static IReadOnlyList<ClusterChange> Classify(
        IReadOnlyList<JsonObject> current, IReadOnlyList<JsonObject> target, string targetVersion, KataDeployVersions versions)
    {
        var a = Keyed(current, versions);
        var b = Keyed(target, versions);
        var changes = new List<ClusterChange>();
        foreach (var (key, o) in b)
        {
            var (kind, name) = (Str(o["kind"]), Str(o["metadata"]?["name"]));
            if (!a.TryGetValue(key, out var old))
            {
                changes.Add(new(kind, name, "", "added", "", "", kind == "RuntimeClass" ? "recycle" : "at-once", "go"));
                continue;
            }
            foreach (var c in Changed(old, o, targetVersion, versions))
                changes.Add(c with { Kind = kind, Name = name });
        }
        foreach (var (key, o) in a.Where(p => !b.ContainsKey(p.Key)))
        {
            var kind = Str(o["kind"]);
            changes.Add(new(kind, Str(o["metadata"]?["name"]), "", "removed", "", "", "at-once", kind == "RuntimeClass" ? "warn" : "go"));
        }
        return changes;
    }

    public static IReadOnlyList<ClusterChangeLine> Lines(IEnumerable<ClusterChange> changes, KataDeployVersions versions) =>
        [.. changes
            .GroupBy(c => (c.Kind, c.Field, c.Change, c.From, c.To, c.When, c.Verdict))
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Field, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Change, StringComparer.Ordinal).ThenBy(g => g.Key.From, StringComparer.Ordinal)
            .ThenBy(g => g.Key.To, StringComparer.Ordinal).ThenBy(g => g.Key.When, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Verdict, StringComparer.Ordinal)
            .Select(g =>
            {
                var c = g.First();
                var effect = Effect(c, versions);
                return new ClusterChangeLine(c.Verdict,
                    $"{c.Kind} {Names(g.Select(x => x.Name))}: {What(c)}; {When(c.When)}{(effect.Length == 0 ? "" : ": " + effect)}");
            })];

    private static IEnumerable<ClusterChange> Changed(JsonObject a, JsonObject b, string targetVersion, KataDeployVersions v)
    {
        var kind = Str(b["kind"]);
        if (kind == "RuntimeClass")
        {
            if (!JsonNode.DeepEquals(a["handler"], b["handler"]))
                yield return Change("handler", "changes", Show(a["handler"]), Show(b["handler"]), "at-once", "refuse");
            var x = a["scheduling"]?["nodeSelector"] as JsonObject ?? [];
            var y = b["scheduling"]?["nodeSelector"] as JsonObject ?? [];
            var instance = v.InstanceLabelPrefix + (b["metadata"]?["labels"]?[v.InstanceRuntimeClassLabel] is JsonValue label ? Interpolate(label) : "");
            foreach (var (key, value) in y.Where(e => !JsonNode.DeepEquals(x[e.Key], e.Value)))
            {
                var text = Interpolate(value);
                var verdict = key == instance && text == v.InstanceInstalledValue && value?.GetValueKind() == JsonValueKind.String
                              && KataDeployVersions.CompareVersions(targetVersion, v.InstanceLabelSince) >= 0 ? "label"
                    : v.LabelDomains.Contains(key.Split('/')[0]) ? "refuse"
                    : "warn";
                yield return Change("scheduling.nodeSelector", "adds", "", $"{key}={text}", "at-once", verdict);
            }
            foreach (var (key, value) in x.Where(e => !JsonNode.DeepEquals(y[e.Key], e.Value)))
                yield return Change("scheduling.nodeSelector", "drops", $"{key}={Interpolate(value)}", "", "at-once", "go");
            foreach (var leaf in Diff(a, b).Where(d => !Starts(d.Path, "handler") && !Starts(d.Path, "scheduling", "nodeSelector")))
                yield return Leaf(leaf);
        }
        else if (kind == "ClusterRole")
        {
            var (x, y) = (Rights(a), Rights(b));
            var granted = y.Except(x).ToList();
            if (granted.Count > 0)
                yield return Change("rules", "grants", "", string.Join(", ", granted), "at-once", "go");
            var revoked = x.Except(y).ToList();
            if (revoked.Count > 0)
                yield return Change("rules", "revokes", string.Join(", ", revoked), "", "at-once", "warn");
            foreach (var leaf in Diff(a, b).Where(d => !Starts(d.Path, "rules")))
                yield return Leaf(leaf);
        }
        else
        {
            foreach (var leaf in Diff(a, b))
                yield return Leaf(leaf);
        }
    }

    private static ClusterChange Change(string field, string change, string from, string to, string when, string verdict) =>
        new("", "", field, change, from, to, when, verdict);

    private static ClusterChange Leaf((IReadOnlyList<object> Path, string From, string To) d) => Change(
        string.Join(".", d.Path.Select(p => p.ToString())), "changes", d.From, d.To,
        Starts(d.Path, "metadata") ? "none" : "at-once", Starts(d.Path, "scheduling") ? "warn" : "go");

    private static bool Starts(IReadOnlyList<object> path, params string[] prefix) =>
        path.Count >= prefix.Length && prefix.Select((p, i) => path[i] is string s && s == p).All(x => x);

    /// <summary>Leaves (values and empty containers) that differ, as jq's paths(...) and getpath see them.</summary>
    private static IEnumerable<(IReadOnlyList<object> Path, string From, string To)> Diff(JsonNode a, JsonNode b)
    {
        var paths = new List<IReadOnlyList<object>>();
        Leaves(a, [], paths);
        Leaves(b, [], paths);
        foreach (var path in paths.Distinct(PathComparer.Instance).Order(PathComparer.Instance))
        {
            var (x, y) = (At(a, path), At(b, path));
            if (!JsonNode.DeepEquals(x, y))
                yield return (path, Show(x), Show(y));
        }
    }

    private static void Leaves(JsonNode? node, List<object> path, List<IReadOnlyList<object>> into)
    {
        switch (node)
        {
            case JsonObject map when map.Count > 0:
                foreach (var (key, value) in map)
                    Leaves(value, [.. path, key], into);
                break;
            case JsonArray list when list.Count > 0:
                for (var i = 0; i < list.Count; i++)
                    Leaves(list[i], [.. path, i], into);
                break;
            default:
                if (path.Count > 0)
                    into.Add([.. path]);
                break;
        }
    }

    /// <summary>jq's <c>try getpath($p) catch null</c>.</summary>
    private static JsonNode? At(JsonNode? node, IReadOnlyList<object> path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (null, _) => null,
                (JsonObject map, string key) => map[key],
                (JsonArray list, int i) => i < list.Count ? list[i] : null,
                _ => null,
            };
        }
        return node;
    }

    private static SortedSet<string> Rights(JsonObject role)
    {
        var rights = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in role["rules"] as JsonArray ?? [])
        {
            var groups = rule?["apiGroups"] is JsonArray g ? g.Select(Str).ToList() : [""];
            var verbs = (rule?["verbs"] as JsonArray ?? []).Select(Str).ToList();
            var names = rule?["resourceNames"] is JsonArray n ? " named " + string.Join(",", n.Select(Str)) : "";
            foreach (var group in groups)
                foreach (var resource in (rule?["resources"] as JsonArray ?? []).Select(Str))
                    foreach (var verb in verbs)
                        rights.Add($"{verb} {resource}{(group.Length == 0 ? "" : "." + group)}{names}");
            foreach (var url in (rule?["nonResourceURLs"] as JsonArray ?? []).Select(Str))
                foreach (var verb in verbs)
                    rights.Add($"{verb} {url}");
        }
        return rights;
    }

    private static Dictionary<string, JsonObject> Keyed(IEnumerable<JsonObject> objects, KataDeployVersions v)
    {
        var keyed = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var o in objects.Where(o => v.ClusterScopedKinds.Contains(Str(o["kind"]))))
            keyed[$"{Str(o["kind"])}/{Str(o["metadata"]?["name"])}"] = o;
        return keyed.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary();
    }

    private static string Names(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count <= 3 ? string.Join(", ", sorted) : string.Join(", ", sorted.Take(3)) + $" and {sorted.Count - 3} more";
    }

    private static string What(ClusterChange c) => c.Change switch
    {
        "added" or "removed" => c.Change,
        "adds" => $"{c.Field} adds {c.To}",
        "drops" => $"{c.Field} drops {c.From}",
        "grants" => $"{c.Field} grant {c.To}",
        "revokes" => $"{c.Field} no longer grant {c.From}",
        _ => $"{c.Field} {c.From} -> {c.To}",
    };

    private static string When(string when) => when switch
    {
        "recycle" => "on each node when it is upgraded",
        "at-once" => "at stage, on every node",
        _ => "no effect on nodes",
    };

    private static string Effect(ClusterChange c, KataDeployVersions v) => c switch
    {
        { Change: "added", Kind: "RuntimeClass" } => "until then, pods that ask for it may land on nodes not yet upgraded and fail to start",
        { Change: "removed", Kind: "RuntimeClass" } => "pods that ask for it are refused everywhere, nodes not yet upgraded included",
        { Field: "handler" } => "pods created from then on ask nodes not yet upgraded for a handler they do not have",
        { Change: "adds", Verdict: "label" } =>
            $"pods created from then on only go to nodes with that label, which kata-deploy {v.InstanceLabelSince} and later writes once installed; stage first puts it on the nodes where this release is installed",
        { Change: "adds", Verdict: "refuse" } => "pods created from then on only go to nodes with that label, which nodes not yet upgraded do not have",
        { Change: "adds" } => "pods created from then on only go to nodes with that label",
        { Change: "drops" } => "pods created from then on no longer need that label",
        { Change: "grants" } => "kata-deploy pods not yet upgraded get these rights too",
        { Change: "revokes" } => "kata-deploy pods not yet upgraded lose these rights too",
        _ when c.Field.StartsWith("overhead.", StringComparison.Ordinal) => "pods created from then on reserve the new overhead wherever they run",
        _ => "",
    };

    /// <summary>jq's kd_show: (none), a string as it is, anything else as compact JSON.</summary>
    private static string Show(JsonNode? node) => node switch
    {
        null => "(none)",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(Compact),
    };

    /// <summary>jq's string interpolation of a value: a string as it is, anything else as JSON.</summary>
    private static string Interpolate(JsonNode? node) => node is null ? "null" : Show(node);

    private static string Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>jq's order of paths: element by element, numbers before strings.</summary>
    private sealed class PathComparer : IComparer<IReadOnlyList<object>>, IEqualityComparer<IReadOnlyList<object>>
    {
        public static readonly PathComparer Instance = new();

        public int Compare(IReadOnlyList<object>? x, IReadOnlyList<object>? y)
        {
            for (var i = 0; i < Math.Min(x!.Count, y!.Count); i++)
            {
                var c = (x[i], y[i]) switch
                {
                    (int a, int b) => a.CompareTo(b),
                    (int, string) => -1,
                    (string, int) => 1,
                    (string a, string b) => string.CompareOrdinal(a, b),
                    _ => 0,
                };
                if (c != 0)
                    return c;
            }
            return x.Count.CompareTo(y.Count);
        }

        public bool Equals(IReadOnlyList<object>? x, IReadOnlyList<object>? y) => Compare(x, y) == 0;

        public int GetHashCode(IReadOnlyList<object> path) => path.Aggregate(17, (h, p) => h * 31 + p.GetHashCode());
    }
}
