using System.Text.RegularExpressions;

namespace KataArgo.Lifecycle;

/// <summary>A cluster node as node selection sees it.</summary>
public sealed record ClusterNode(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<NodeTaint> Taints,
    IReadOnlyDictionary<string, string> Annotations)
{
    public string? Annotation(string key) => Annotations.TryGetValue(key, out var value) ? value : null;
}

public sealed record NodeTaint(string Key, string Value, string Effect);

/// <summary>A pod of the kata-deploy DaemonSet, by the node it is bound to.</summary>
public sealed record KataDeployPod(string Name, string Node);

public sealed record SkippedNode(string Node, string Reason);

/// <summary>Nodes to upgrade in upgrade order, and the nodes left out with the reason; or why nothing can be selected.</summary>
public sealed record NodeSelectionResult(IReadOnlyList<string> Selected, IReadOnlyList<SkippedNode> Skipped, string? Error)
{
    public static NodeSelectionResult Failure(string error) => new([], [], error);
}

/// <summary>
/// The workflow's node-selection rules (lifecycle spec §2.2, the <c>select-nodes</c> step), as one
/// pure function over plain records: <c>kata-argo plan</c> runs it on what it reads from the
/// cluster, and tests/cases/node-selection.json holds the cases both this and select-nodes.sh pass.
/// <list type="number">
/// <item>target nodes: the explicit <c>nodes</c> list (every name must exist and run kata-deploy), or the nodes
/// matching <c>node-selector</c> (evaluated as the API's labelSelector) and having a taint of
/// <c>node-taint-key</c> (with <c>node-taint-value</c>, that value; any effect);</item>
/// <item>of those, only nodes where the kata-deploy DaemonSet has a pod;</item>
/// <item>minus nodes annotated <c>completed</c> at <c>target-version</c> (a re-run resumes);</item>
/// <item>in ordinal order of name (<c>LC_ALL=C sort</c>).</item>
/// </list>
/// Skipped: every target node that was dropped, and every node running kata-deploy that is not a
/// target (it stays on its version: a mixed fleet is always explicit). A pod on a node absent
/// from <paramref name="nodes"/> means the API's labelSelector already left that node out.
/// </summary>
public static class NodeSelection
{
    public const string ReasonNotMatchingSelector = "not matched by node-selector";
    public const string ReasonNotListed = "not in nodes";
    public const string ReasonNoKataDeploy = "kata-deploy does not run on it";

    public static string ReasonNoTaint(string key, string value) => value.Length == 0 ? $"no taint {key}" : $"no taint {key}={value}";

    public static string ReasonCompleted(string version) => $"already completed at {version}";

    public static NodeSelectionResult Select(
        IEnumerable<ClusterNode> nodes,
        IEnumerable<KataDeployPod> pods,
        IReadOnlyDictionary<string, string> parameters)
    {
        string Get(WorkflowParameter p) => parameters.TryGetValue(p.Name, out var v) ? v : p.Default;
        var target = Get(WorkflowParameters.TargetVersion);
        var selector = Get(WorkflowParameters.NodeSelector);
        var taintKey = Get(WorkflowParameters.NodeTaintKey);
        var taintValue = Get(WorkflowParameters.NodeTaintValue);
        var listed = Get(WorkflowParameters.Nodes);

        if (CheckParameters(parameters) is { } invalid)
            return NodeSelectionResult.Failure(invalid);
        if (WorkflowParameters.TargetVersion.Validate(target) is { } badVersion)
            return NodeSelectionResult.Failure(badVersion);
        var requirements = LabelSelectorText.Parse(selector, out _);

        var byName = new SortedDictionary<string, ClusterNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
            byName[node.Name] = node;
        var kataNodes = new SortedSet<string>(pods.Select(p => p.Node).Where(n => n.Length > 0), StringComparer.Ordinal);

        var reasons = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        if (listed.Length > 0)
        {
            var wanted = listed.Split(',').Distinct().Order(StringComparer.Ordinal).ToList();
            if (wanted.Where(n => !byName.ContainsKey(n)).ToList() is [_, ..] unknown)
                return NodeSelectionResult.Failure($"{WorkflowParameters.Nodes.Name}: no such node: {string.Join(", ", unknown)}; check the names (kubectl get nodes)");
            // An explicit list is an intent: a listed node kata-deploy does not run on is an error, not a skip.
            if (wanted.Where(n => !kataNodes.Contains(n)).ToList() is [_, ..] withoutPod)
                return NodeSelectionResult.Failure($"{WorkflowParameters.Nodes.Name}: {string.Join(", ", withoutPod)} runs no kata-deploy pod; remove it from nodes");
            targets.UnionWith(wanted);
            foreach (var name in kataNodes.Where(n => !targets.Contains(n)))
                reasons[name] = ReasonNotListed;
        }
        else
        {
            foreach (var node in byName.Values)
            {
                if (!requirements.All(r => r.Matches(node.Labels)))
                    reasons[node.Name] = ReasonNotMatchingSelector;
                else if (taintKey.Length > 0 && !node.Taints.Any(t => t.Key == taintKey && (taintValue.Length == 0 || t.Value == taintValue)))
                    reasons[node.Name] = ReasonNoTaint(taintKey, taintValue);
                else
                    targets.Add(node.Name);
            }
            foreach (var name in kataNodes.Where(n => !byName.ContainsKey(n) && selector.Length > 0))
                reasons[name] = ReasonNotMatchingSelector;
            // Non-targets without kata-deploy are not part of the fleet: not worth a line.
            foreach (var name in reasons.Keys.Where(n => !kataNodes.Contains(n)).ToList())
                reasons.Remove(name);
        }

        var selected = new List<string>();
        foreach (var name in targets)
        {
            var node = byName[name];
            if (!kataNodes.Contains(name))
                reasons[name] = ReasonNoKataDeploy;
            else if (node.Annotation(LifecycleKeys.Status) == "completed" && node.Annotation(LifecycleKeys.CurrentVersion) == target)
                reasons[name] = ReasonCompleted(target);
            else
                selected.Add(name);
        }
        return new NodeSelectionResult(selected, [.. reasons.Select(r => new SkippedNode(r.Key, r.Value))], null);
    }

    /// <summary>
    /// The combinations of selection parameters preflight refuses; null when they are consistent.
    /// Each value is assumed to be well-formed (<see cref="WorkflowParameter.Validate"/>).
    /// </summary>
    public static string? CheckParameters(IReadOnlyDictionary<string, string> parameters)
    {
        if (ParameterRules.CheckCombination(parameters) is { } combination)
            return combination;
        string? selectorError = null;
        if (parameters.TryGetValue(WorkflowParameters.NodeSelector.Name, out var selector) && selector.Length > 0)
            LabelSelectorText.Parse(parameters[WorkflowParameters.NodeSelector.Name], out selectorError);
        return selectorError;
    }
}

/// <summary>A Kubernetes label selector (<c>kubectl -l</c>, the API's labelSelector) evaluated in memory.</summary>
public static partial class LabelSelectorText
{
    public sealed record Requirement(string Key, string Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                "exists" => has,
                "!" => !has,
                "=" or "in" => has && Values.Contains(value),
                "!=" or "notin" => !has || !Values.Contains(value),
                _ => false,
            };
        }
    }

    /// <summary>Kubernetes label-selector syntax, as the API server accepts it (lib.sh's SELECTOR_RE is the same grammar).</summary>
    public static bool IsValid(string selector)
    {
        if (selector.Trim().Length == 0)
            return true;
        return SplitTopLevel(selector).All(part => ParseOne(part.Trim()) is not null);
    }

    /// <summary>The selector's requirements (all must match); empty selects everything.</summary>
    public static IReadOnlyList<Requirement> Parse(string selector, out string? error)
    {
        error = null;
        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(selector))
        {
            var text = part.Trim();
            if (text.Length == 0 && selector.Trim().Length == 0)
                continue;
            var requirement = ParseOne(text);
            if (requirement is null)
            {
                error = WorkflowParameters.NodeSelector.Validate(selector);
                return [];
            }
            requirements.Add(requirement);
        }
        return requirements;
    }

    private static Requirement? ParseOne(string text)
    {
        if (SetPattern().Match(text) is { Success: true } set)
        {
            var values = set.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToList();
            return values.All(v => ValuePattern().IsMatch(v)) ? new(set.Groups["key"].Value, set.Groups["op"].Value, values) : null;
        }
        if (EqualityPattern().Match(text) is { Success: true } eq)
        {
            var op = eq.Groups["op"].Value == "!=" ? "!=" : "=";
            return new(eq.Groups["key"].Value, op, [eq.Groups["value"].Value.Trim()]);
        }
        if (ExistsPattern().Match(text) is { Success: true } exists)
            return new(exists.Groups["key"].Value, exists.Groups["not"].Success ? "!" : "exists", []);
        return null;
    }

    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }
        yield return selector[start..];
    }

    private const string Key = @"(?<key>([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)";
    private const string Value = @"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";

    [GeneratedRegex(@"^" + Key + @"\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetPattern();

    [GeneratedRegex(@"^" + Key + @"\s*(?<op>==|=|!=)\s*(?<value>" + Value + @")$")]
    private static partial Regex EqualityPattern();

    [GeneratedRegex(@"^(?<not>!\s*)?" + Key + "$")]
    private static partial Regex ExistsPattern();

    [GeneratedRegex("^" + Value + "$")]
    private static partial Regex ValuePattern();
}
