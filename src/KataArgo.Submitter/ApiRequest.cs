using System.Text.Json;
using System.Text.RegularExpressions;

namespace KataArgo.Submitter;

/// <summary>
/// A Kubernetes API request as RBAC sees it: the verb, the resource and its API group, the
/// namespace (null: cluster-scoped) and the object's name (null: a list or watch). Read from the
/// request's path (<c>/api/v1/namespaces/NS/RESOURCE/NAME</c>, <c>/apis/GROUP/VERSION/...</c>), as
/// the API server's RequestInfo reads it (k8s.io/apiserver pkg/endpoints/request/requestinfo.go).
/// </summary>
public sealed partial record ApiRequest(string Verb, string Group, string Version, string Resource, string? Namespace, string? Name)
{
    /// <summary>The resource as kubectl names it: <c>nodes</c>, <c>daemonsets.apps</c>, <c>workflows.argoproj.io</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Resource : $"{Resource}.{Group}";

    /// <summary>core <c>v1</c>, or <c>apps/v1</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"list daemonsets.apps in namespace kube-system", "list nodes (cluster-scoped)".</summary>
    public string Describe => $"{Verb} {QualifiedResource} {(Namespace is null ? "(cluster-scoped)" : $"in namespace {Namespace}")}";

    /// <summary>The <c>kubectl auth can-i</c> command that checks this right.</summary>
    public string CanI => $"kubectl auth can-i {Verb} {QualifiedResource}{(Namespace is null ? "" : $" -n {Namespace}")}";

    /// <summary>The request behind <paramref name="method"/> and <paramref name="path"/> (an absolute URL's path); null when it is not a resource path.</summary>
    /// <param name="watch">A watch of a collection (the path of a list with <c>?watch=true</c>).</param>
    public static ApiRequest? Parse(string method, string path, bool watch = false)
    {
        var match = ResourcePath().Match(path);
        if (!match.Success)
            return null;
        var (group, version) = match.Groups["core"].Success ? ("", "v1") : (match.Groups["group"].Value, match.Groups["version"].Value);
        var ns = match.Groups["namespace"].Success ? match.Groups["namespace"].Value : null;
        var name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
        var verb = method.ToUpperInvariant() switch
        {
            "GET" when watch => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            var other => other.ToLowerInvariant(),
        };
        return new ApiRequest(verb, group, version, match.Groups["resource"].Value, ns, name);
    }

    /// <summary>
    /// Whether a 404 answer means the API does not serve this path at all (an API group or version
    /// that is not installed, or not a Kubernetes API server) rather than that the named object is
    /// missing: a list is never 404 when served (a namespace without objects lists none), and a
    /// missing object's Status names it in <c>details.name</c>.
    /// </summary>
    public bool IsNotServed(string? body)
    {
        if (Name is null)
            return true;
        try
        {
            using var document = JsonDocument.Parse(body ?? "");
            return !(document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
                && details.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == Name);
        }
        catch (JsonException)
        {
            return true;
        }
    }

    // Namespaced paths first: /api/v1/namespaces/NS alone is the cluster-scoped namespace NS.
    [GeneratedRegex(@"^/(?:(?<core>api/v1)|apis/(?<group>[^/]+)/(?<version>[^/]+))(?:/namespaces/(?<namespace>[^/]+)(?=/[^/]+))?/(?<resource>[^/]+)(?:/(?<name>[^/]+))?/?$")]
    private static partial Regex ResourcePath();
}
