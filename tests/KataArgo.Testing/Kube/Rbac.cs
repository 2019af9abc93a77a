using System.Text.Json.Nodes;

namespace KataArgo.Testing.Kube;

/// <summary>Who a bearer token is: a user name and its groups, as the API server's authenticator gives them.</summary>
public sealed record ApiUser(string Name, IReadOnlyList<string> Groups)
{
    public const string MastersGroup = "system:masters";

    public static readonly ApiUser Admin = new("kubernetes-admin", [MastersGroup, "system:authenticated"]);

    /// <summary>A ServiceAccount's identity, with the groups Kubernetes gives it (serviceaccount.MakeGroupNames).</summary>
    public static ApiUser ServiceAccount(string ns, string name) =>
        new($"system:serviceaccount:{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]);

    public bool IsMaster => Groups.Contains(MastersGroup);
}

/// <summary>What one request asks for, as Kubernetes' authorizer.Attributes.</summary>
public sealed record ApiAttributes(ApiUser User, string Verb, string Group, string Resource, string Subresource, string Namespace, string Name)
{
    public string ResourceWithSub => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";

    /// <summary>forbiddenMessage of k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go.</summary>
    public string ForbiddenReason => Namespace.Length > 0
        ? $"User \"{User.Name}\" cannot {Verb} resource \"{ResourceWithSub}\" in API group \"{Group}\" in the namespace \"{Namespace}\""
        : $"User \"{User.Name}\" cannot {Verb} resource \"{ResourceWithSub}\" in API group \"{Group}\" at the cluster scope";

    public override string ToString() => $"{Verb} {ResourceWithSub}{(Group.Length > 0 ? "." + Group : "")}{(Namespace.Length > 0 ? " -n " + Namespace : "")}{(Name.Length > 0 ? " " + Name : "")}";
}

/// <summary>An rbac.authorization.k8s.io/v1 PolicyRule.</summary>
public sealed record PolicyRule(string[] ApiGroups, string[] Resources, string[] Verbs, string[] ResourceNames, string[] NonResourceUrls)
{
    public static PolicyRule From(JsonNode rule) => new(
        Strings(rule["apiGroups"]), Strings(rule["resources"]), Strings(rule["verbs"]), Strings(rule["resourceNames"]), Strings(rule["nonResourceURLs"]));

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => (string)x!)] : [];

    /// <summary>RuleAllows of plugin/pkg/auth/authorizer/rbac/rbac.go, for a resource request.</summary>
    public bool Allows(ApiAttributes a) =>
        (Verbs.Contains("*") || Verbs.Contains(a.Verb))
        && (ApiGroups.Contains("*") || ApiGroups.Contains(a.Group))
        && ResourceMatches(a)
        && (ResourceNames.Length == 0 || (a.Name.Length > 0 && ResourceNames.Contains(a.Name)));

    private bool ResourceMatches(ApiAttributes a) =>
        Resources.Any(r => r == "*" || r == a.ResourceWithSub
            || (a.Subresource.Length > 0 && r == "*/" + a.Subresource)
            || (a.Subresource.Length == 0 && r == a.Resource));

    /// <summary>The rule as single (group, resource, verb[, name]) rules: validation.BreakdownRule.</summary>
    public IEnumerable<PolicyRule> Breakdown() =>
        from g in ApiGroups
        from r in Resources
        from v in Verbs
        from n in ResourceNames.Length == 0 ? [null] : ResourceNames.Select(x => (string?)x)
        select new PolicyRule([g], [r], [v], n is null ? [] : [n], []);

    /// <summary>ruleCovers of pkg/registry/rbac/validation/policy_comparator.go.</summary>
    public bool Covers(PolicyRule sub) =>
        (Verbs.Contains("*") || sub.Verbs.All(Verbs.Contains))
        && (ApiGroups.Contains("*") || sub.ApiGroups.All(ApiGroups.Contains))
        && sub.Resources.All(r => Resources.Contains("*") || Resources.Contains(r)
            || (r.Contains('/') && Resources.Contains("*/" + r[(r.IndexOf('/') + 1)..]))
            || (r.Contains('/') && Resources.Contains(r[..r.IndexOf('/')] + "/*")))
        && sub.NonResourceUrls.All(u => NonResourceUrls.Contains("*") || NonResourceUrls.Contains(u))
        && (sub.ResourceNames.Length == 0 ? ResourceNames.Length == 0 : ResourceNames.Length == 0 || sub.ResourceNames.All(ResourceNames.Contains));

    /// <summary>rbacv1helpers.CompactString: {APIGroups:["apps"], Resources:["daemonsets"], Verbs:["get" "list"]}.</summary>
    public string CompactString()
    {
        var parts = new List<string>();
        if (ApiGroups.Length > 0) parts.Add($"APIGroups:{Quoted(ApiGroups)}");
        if (Resources.Length > 0) parts.Add($"Resources:{Quoted(Resources)}");
        if (NonResourceUrls.Length > 0) parts.Add($"NonResourceURLs:{Quoted(NonResourceUrls)}");
        if (ResourceNames.Length > 0) parts.Add($"ResourceNames:{Quoted(ResourceNames)}");
        if (Verbs.Length > 0) parts.Add($"Verbs:{Quoted(Verbs)}");
        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>Go's %q of a []string.</summary>
    public static string Quoted(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(v => $"\"{v}\"")) + "]";
}

/// <summary>
/// Kubernetes' RBAC authorizer and its privilege-escalation check, over the Roles, ClusterRoles
/// and bindings stored in the API (read on every request, so what Helm writes takes effect):
/// plugin/pkg/auth/authorizer/rbac and pkg/registry/rbac (escalation_check.go, validation/rule.go,
/// the policybased storages) of kubernetes/kubernetes.
/// </summary>
public sealed class RbacAuthorizer(ObjectStore store)
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public bool Allows(ApiAttributes a) =>
        a.User.IsMaster || RulesFor(a.User, a.Namespace).Any(r => r.Allows(a))
        // system:basic-user: every authenticated user may ask what it may do.
        || (a.Group == "authorization.k8s.io" && a.Resource is "selfsubjectaccessreviews" or "selfsubjectrulesreviews" && a.Verb == "create");

    /// <summary>The rules the user holds in a namespace (cluster-wide ones included), or cluster-wide only for "".</summary>
    public List<PolicyRule> RulesFor(ApiUser user, string ns)
    {
        var rules = new List<PolicyRule>();
        foreach (var binding in store.List(RbacGroup, "clusterrolebindings", ""))
            if (Binds(binding, user))
                rules.AddRange(RoleRules(binding["roleRef"]!, ""));
        if (ns.Length > 0)
            foreach (var binding in store.List(RbacGroup, "rolebindings", ns))
                if (Binds(binding, user))
                    rules.AddRange(RoleRules(binding["roleRef"]!, ns));
        return rules;
    }

    private IEnumerable<PolicyRule> RoleRules(JsonNode roleRef, string ns)
    {
        var role = (string?)roleRef["kind"] == "ClusterRole"
            ? store.Get(RbacGroup, "clusterroles", "", (string)roleRef["name"]!)
            : store.Get(RbacGroup, "roles", ns, (string)roleRef["name"]!);
        return role?["rules"] is JsonArray rules ? rules.Select(r => PolicyRule.From(r!)) : [];
    }

    private static bool Binds(JsonObject binding, ApiUser user) =>
        binding["subjects"] is JsonArray subjects && subjects.Any(s => (string?)s!["kind"] switch
        {
            "ServiceAccount" => $"system:serviceaccount:{(string?)s["namespace"]}:{(string?)s["name"]}" == user.Name,
            "User" => (string?)s["name"] == user.Name,
            "Group" => user.Groups.Contains((string?)s["name"] ?? ""),
            _ => false,
        });

    /// <summary>
    /// Null when the user may write this Role/ClusterRole or binding (new state; old state for
    /// updates), else the reason Kubernetes gives: holding every rule it grants, or escalate
    /// (roles) / bind (bindings) on it.
    /// </summary>
    public string? EscalationDenied(ApiUser user, ApiResource resource, string ns, string requestName, JsonObject obj, JsonObject? old)
    {
        if (user.IsMaster || resource.Group != RbacGroup)
            return null;
        if (old is not null && OnlyGcFieldsChange(obj, old))
            return null;
        List<PolicyRule> granted;
        if (resource.Plural is "clusterroles" or "roles")
        {
            // RoleEscalationAuthorized: escalate on the request's own name (none on a create).
            if (Allows(new ApiAttributes(user, "escalate", RbacGroup, resource.Plural, "", ns, requestName)))
                return null;
            granted = obj["rules"] is JsonArray r ? [.. r.Select(x => PolicyRule.From(x!))] : [];
        }
        else
        {
            var roleRef = obj["roleRef"]!;
            var kind = (string?)roleRef["kind"];
            var roleName = (string?)roleRef["name"] ?? "";
            if (Allows(new ApiAttributes(user, "bind", RbacGroup, kind == "ClusterRole" ? "clusterroles" : "roles", "", ns, roleName)))
                return null;
            var role = kind == "ClusterRole" ? store.Get(RbacGroup, "clusterroles", "", roleName) : store.Get(RbacGroup, "roles", ns, roleName);
            if (role is null)
                return $"{(kind == "ClusterRole" ? "clusterroles" : "roles")}.{RbacGroup} \"{roleName}\" not found";
            granted = role["rules"] is JsonArray r ? [.. r.Select(x => PolicyRule.From(x!))] : [];
        }
        var owner = RulesFor(user, ns);
        var missing = granted.SelectMany(g => g.Breakdown()).Where(s => !owner.Any(o => o.Covers(s))).ToList();
        if (missing.Count == 0)
            return null;
        var lines = Compact(missing).Select(m => m.CompactString()).Distinct().Order(StringComparer.Ordinal);
        return $"user \"{user.Name}\" (groups={PolicyRule.Quoted(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n{string.Join("\n", lines)}";
    }

    /// <summary>validation.CompactRules: single group/resource rules that differ only by verb become one.</summary>
    private static IEnumerable<PolicyRule> Compact(List<PolicyRule> rules) =>
        rules.GroupBy(r => (r.ApiGroups[0], r.Resources[0], string.Join(",", r.ResourceNames)))
            .Select(g => g.First() with { Verbs = [.. g.SelectMany(r => r.Verbs)] });

    /// <summary>rbacregistry.IsOnlyMutatingGCFields: only ownerReferences, finalizers or managedFields differ.</summary>
    private static bool OnlyGcFieldsChange(JsonObject obj, JsonObject old)
    {
        var a = (JsonObject)obj.DeepClone();
        var b = (JsonObject)old.DeepClone();
        foreach (var o in new[] { a, b })
            if (o["metadata"] is JsonObject m)
                foreach (var f in new[] { "ownerReferences", "finalizers", "managedFields", "resourceVersion", "generation", "creationTimestamp", "uid" })
                    m.Remove(f);
        return JsonNode.DeepEquals(a, b);
    }
}
