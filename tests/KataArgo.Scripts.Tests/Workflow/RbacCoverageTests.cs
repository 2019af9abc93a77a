using System.Text.Json.Nodes;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using KataArgo.Scripts.Tests.Harness;

namespace KataArgo.Scripts.Tests.Workflow;

/// <summary>
/// The chart's RBAC is derived from what the steps call: every kubectl call the scripts make in
/// the sunny, rainy, drain, timeout and recovery runs maps to an API request that
/// <see cref="StepPermissions"/> allows in the right namespace, and no permission goes unused.
/// </summary>
public sealed class RbacCoverageTests
{
    private const string HelmNamespace = Cluster.DefaultNamespace;
    private const string VerificationNamespace = "default";
    private const string WorkflowNamespace = "argo";

    private static readonly Lazy<List<Request>> Requests = new(RecordRequests);

    [Fact]
    public void Every_api_request_of_the_steps_is_granted()
    {
        var denied = Requests.Value.Where(r => !Granted(r)).Select(r => r.ToString()).Distinct().ToList();

        Assert.True(denied.Count == 0, "requests the chart's RBAC does not grant:\n" + string.Join("\n", denied));
    }

    [Fact]
    public void Every_permission_kubectl_needs_is_used_by_some_step()
    {
        // helm's own needs (release storage, the objects of the kata-deploy chart) are not seen by
        // the doubles; the rest must be exercised, or it is a grant nothing needs.
        var unused = StepPermissions.All
            .SelectMany(p => p.Resources.SelectMany(resource => p.Verbs.Select(verb => (p, resource, verb))))
            .Where(x => !HelmOnly(x.p, x.resource, x.verb))
            .Where(x => !Requests.Value.Any(r => r.Scope == x.p.Scope && r.Resource == x.resource && r.Verb == x.verb))
            .Select(x => $"{x.p.Scope} {x.resource} {x.verb}")
            .ToList();

        Assert.True(unused.Count == 0, "granted but never requested by a step:\n" + string.Join("\n", unused));
    }

    /// <summary>Grants only helm upgrade/rollback or Argo's executor use: the doubles do not see those calls.</summary>
    private static bool HelmOnly(Permission permission, string resource, string verb) =>
        permission.Steps.Contains("(helm)", StringComparison.Ordinal) || resource == "workflowtaskresults";

    private static bool Granted(Request request) => StepPermissions.All.Any(p =>
        p.Scope == request.Scope
        && p.Resources.Contains(request.Resource)
        && p.Verbs.Contains(request.Verb)
        && (p.ResourceNames is null || request.Name is { } name
            && p.ResourceNames.Select(n => n.Replace(StepPermissions.Suffix, "").Replace(StepPermissions.Release, Cluster.DefaultRelease)).Contains(name)));

    /// <summary>The kubectl calls of every shared run (<see cref="SharedRuns"/>): sunny, drain, rainy, timeout, recover and rollback-node.</summary>
    private static List<Request> RecordRequests()
    {
        var calls = SharedRuns.All.SelectMany(run => run.Sandbox.Calls.All).ToList();

        Assert.NotEmpty(calls);
        Assert.DoesNotContain(calls, c => c.Exit is 97 or 98);
        return [.. calls.Where(c => c.Tool == "kubectl").SelectMany(Translate)];
    }

    private sealed record Request(PermissionScope Scope, string Resource, string Verb, string? Name)
    {
        public override string ToString() => $"{Scope} {Resource} {Verb}{(Name is null ? "" : " " + Name)}";
    }

    private static readonly Dictionary<string, string> Plurals = new()
    {
        ["node"] = "nodes", ["nodes"] = "nodes", ["pod"] = "pods", ["pods"] = "pods",
        ["daemonset"] = "daemonsets", ["daemonsets"] = "daemonsets", ["controllerrevisions"] = "controllerrevisions",
        ["events"] = "events", ["configmap"] = "configmaps", ["configmaps"] = "configmaps",
        ["Pod"] = "pods", ["ConfigMap"] = "configmaps",
    };

    private static readonly HashSet<string> ClusterScoped = ["nodes"];

    /// <summary>The API requests one kubectl command makes.</summary>
    private static IEnumerable<Request> Translate(Call call)
    {
        var command = call.Command;
        var ns = call.Flag("-n") ?? call.Flag("--namespace");
        var positional = command.Skip(1).TakeWhile(a => !a.StartsWith('-')).ToList();
        switch (call.Verb)
        {
            case "get":
            {
                var resource = Plural(positional[0]);
                var name = positional.Count > 1 ? positional[1] : null;
                var verb = call.Argv.Contains("-w") || call.Argv.Contains("--watch") ? "watch" : name is null ? "list" : "get";
                yield return new Request(Scope(resource, ns), resource, verb, name);
                break;
            }
            case "patch" or "delete":
            {
                var resource = Plural(positional[0]);
                var name = positional.Count > 1 ? positional[1] : null;
                if (name is null)
                    yield return new Request(Scope(resource, ns), resource, "list", null); // delete -l: list, then delete each
                yield return new Request(Scope(resource, ns), resource, call.Verb, name);
                break;
            }
            case "create" when call.Argv.Contains("--dry-run=client"):
                break; // converts YAML to JSON locally
            case "auth":
                break; // a SelfSubjectAccessReview, which every authenticated user may create
            case "create":
            {
                var manifest = call.Stdin ?? call.Files.Values.Single();
                var obj = ArgoYaml.Load(manifest)!;
                var resource = Plural(obj["kind"]!.ToString());
                yield return new Request(Scope(resource, ns ?? obj["metadata"]?["namespace"]?.ToString()), resource, "create", null);
                break;
            }
            case "logs":
                yield return new Request(Scope("pods", ns), "pods/log", "get", positional[0]);
                break;
            case "drain":
                // kubectl drain: read and cordon the node, list its pods in every namespace, check
                // DaemonSet owners, evict the rest.
                yield return new Request(PermissionScope.Cluster, "nodes", "get", positional[0]);
                yield return new Request(PermissionScope.Cluster, "nodes", "patch", positional[0]);
                yield return new Request(PermissionScope.Cluster, "pods", "list", null);
                yield return new Request(PermissionScope.Cluster, "daemonsets", "get", null);
                yield return new Request(PermissionScope.Cluster, "pods/eviction", "create", null);
                yield return new Request(PermissionScope.Cluster, "pods", "get", null);
                break;
            default:
                throw new InvalidOperationException($"no API mapping for: {call.Line}");
        }
    }

    private static string Plural(string resource) =>
        Plurals.TryGetValue(resource, out var plural) ? plural : throw new InvalidOperationException($"unknown resource '{resource}'");

    private static PermissionScope Scope(string resource, string? ns) =>
        ClusterScoped.Contains(resource) ? PermissionScope.Cluster
        : ns switch
        {
            HelmNamespace => PermissionScope.HelmNamespace,
            VerificationNamespace => PermissionScope.VerificationNamespace,
            WorkflowNamespace => PermissionScope.WorkflowNamespace,
            _ => throw new InvalidOperationException($"{resource} in namespace '{ns}': not one the workflow works in"),
        };
}
