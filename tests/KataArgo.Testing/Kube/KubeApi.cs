using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KataArgo.Testing.Kube;

/// <summary>One request the API answered: who, what (authorizer attributes) and the HTTP status.</summary>
public sealed record ApiRequest(ApiAttributes Attributes, int Status);

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 (HTTPS, its own certificate) that the real kubectl and Helm
/// talk to through a kubeconfig: legacy discovery, /version, and get/list/create/update/patch/
/// delete of <see cref="ApiResources"/> with label and field selectors. Every request is
/// authenticated by bearer token and authorized by <see cref="RbacAuthorizer"/> against the RBAC
/// objects stored in it; a denied request gets Kubernetes' 403 Status. Writes to Roles,
/// ClusterRoles and their bindings pass Kubernetes' escalation check. A DaemonSet controller keeps
/// status.observedGeneration and ControllerRevisions current. What it does not serve is
/// answered 404 and recorded in <see cref="Violations"/>.
/// </summary>
public sealed partial class KubeApi : IAsyncDisposable
{
    public const string KubeVersion = "v1.35.0";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ApiUser> _tokens = new();
    private readonly ConcurrentQueue<ApiRequest> _requests = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private string _authority = "";

    private KubeApi(WebApplication app, ObjectStore store)
    {
        _app = app;
        Store = store;
        Rbac = new RbacAuthorizer(store);
    }

    public ObjectStore Store { get; }
    public RbacAuthorizer Rbac { get; }
    public string Url { get; private set; } = "";

    /// <summary>Serve Node Feature Discovery's nfd.k8s-sigs.io/v1alpha1 (its CRD installed).</summary>
    public bool NodeFeatureDiscovery { get; set; }

    /// <summary>Container logs by "namespace/pod", for pods/log.</summary>
    public ConcurrentDictionary<string, string> Logs { get; } = new();

    /// <summary>
    /// Awaited before an authorized request is answered: a test holds a client at a chosen
    /// request (e.g. to kill Helm between writing its pending release record and applying).
    /// </summary>
    public Func<ApiAttributes, Task>? Hold { get; set; }

    public IReadOnlyList<ApiRequest> Requests => [.. _requests];
    public IReadOnlyList<string> Violations => [.. _violations];

    public static async Task<KubeApi> StartAsync(ObjectStore? store = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var certificate = TestTls.SelfSigned("kube-apiserver.test");
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var api = new KubeApi(app, store ?? new ObjectStore()) { _authority = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem())) };
        app.Run(api.HandleAsync);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        api.Url = $"https://127.0.0.1:{url.Port}";
        return api;
    }

    public IEnumerable<ApiResource> Resources =>
        NodeFeatureDiscovery ? [.. ApiResources.Builtin, ApiResources.NodeFeatureRules] : ApiResources.Builtin;

    /// <summary>A bearer token for the user.</summary>
    public string TokenFor(ApiUser user)
    {
        var token = "t-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(user.Name)))[..24].ToLowerInvariant();
        _tokens[token] = user;
        return token;
    }

    /// <summary>Writes a kubeconfig for the user into the directory; returns its path.</summary>
    public string WriteKubeconfig(string directory, ApiUser user, string ns = "default")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {Url}
                certificate-authority-data: {_authority}
            contexts:
            - name: test
              context:
                cluster: test
                user: user
                namespace: {ns}
            current-context: test
            users:
            - name: user
              user:
                token: {TokenFor(user)}
            """);
        return path;
    }

    /// <summary>Stores an object as a cluster admin would, without a request (status kept); runs the controllers.</summary>
    public JsonObject Seed(JsonObject obj)
    {
        var resource = ResourceOf(obj) ?? throw new ArgumentException($"no resource serves {obj["apiVersion"]} {obj["kind"]}");
        if (!Store.Create(resource, obj))
            Store.Replace(resource, obj);
        var meta = obj.Meta();
        var stored = Store.Get(resource.Group, resource.Plural, (string?)meta["namespace"] ?? "", (string)meta["name"]!)!;
        if (resource.Kind == "DaemonSet")
            DaemonSetController(stored);
        return Store.Get(resource.Group, resource.Plural, (string?)meta["namespace"] ?? "", (string)meta["name"]!)!;
    }

    public ApiResource? ResourceOf(JsonObject obj) =>
        Resources.FirstOrDefault(r => r.GroupVersion == (string?)obj["apiVersion"] && r.Kind == (string?)obj["kind"]);

    public ApiResource Resource(string group, string plural) => Resources.Single(r => r.Group == group && r.Plural == plural);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var token = request.Headers.Authorization.ToString();
        if (!token.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(token[7..], out var user))
        {
            await Status(context, 401, "Unauthorized", "Unauthorized", null);
            return;
        }
        try
        {
            if (await NonResource(context, path))
                return;
            var route = Route(path);
            if (route is null)
            {
                _violations.Enqueue($"unserved request {request.Method} {path}{request.QueryString}");
                await Status(context, 404, "NotFound", "the server could not find the requested resource", null);
                return;
            }
            await HandleResourceAsync(context, user, route.Value);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            _violations.Enqueue($"{request.Method} {path}: {e.Message}");
            await Status(context, 400, "BadRequest", e.Message, null);
        }
    }

    private record struct ResourceRoute(ApiResource Resource, string Namespace, string Name, string Subresource);

    /// <summary>/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]] and /apis/G/V/...</summary>
    private ResourceRoute? Route(string path)
    {
        var parts = path.Trim('/').Split('/');
        string group, version;
        string[] rest;
        if (parts.Length >= 3 && parts[0] == "api")
            (group, version, rest) = ("", parts[1], parts[2..]);
        else if (parts.Length >= 4 && parts[0] == "apis")
            (group, version, rest) = (parts[1], parts[2], parts[3..]);
        else
            return null;
        var ns = "";
        if (rest.Length >= 3 && rest[0] == "namespaces")
            (ns, rest) = (rest[1], rest[2..]);
        var resource = Resources.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == rest[0]);
        if (resource is null || rest.Length > 3 || (ns.Length > 0 && !resource.Namespaced))
            return null;
        return new ResourceRoute(resource, ns, rest.Length > 1 ? rest[1] : "", rest.Length > 2 ? rest[2] : "");
    }

    private async Task<bool> NonResource(HttpContext context, string path)
    {
        JsonNode? body = path switch
        {
            "/version" => new JsonObject
            {
                ["major"] = "1", ["minor"] = "35", ["gitVersion"] = KubeVersion, ["gitCommit"] = "0000000", ["gitTreeState"] = "clean",
                ["buildDate"] = "2030-01-01T00:00:00Z", ["goVersion"] = "go1.25.0", ["compiler"] = "gc", ["platform"] = "linux/amd64",
            },
            "/api" => new JsonObject
            {
                ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = Url[8..] }),
            },
            "/apis" => new JsonObject
            {
                ["kind"] = "APIGroupList", ["apiVersion"] = "v1",
                ["groups"] = new JsonArray([.. Resources.Where(r => r.Group.Length > 0).GroupBy(r => r.Group).Select(g => (JsonNode)new JsonObject
                {
                    ["name"] = g.Key,
                    ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = g.First().GroupVersion, ["version"] = g.First().Version }),
                    ["preferredVersion"] = new JsonObject { ["groupVersion"] = g.First().GroupVersion, ["version"] = g.First().Version },
                })]),
            },
            "/openapi/v3" => new JsonObject
            {
                ["paths"] = new JsonObject([.. Resources.Select(r => r.GroupVersion).Distinct().Select(gv =>
                    new KeyValuePair<string, JsonNode?>(GroupVersionPath(gv), new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{GroupVersionPath(gv)}?hash=0" }))]),
            },
            _ when path.StartsWith("/openapi/v3/", StringComparison.Ordinal) => OpenApiDocument(path["/openapi/v3/".Length..]),
            _ when path.StartsWith("/openapi", StringComparison.Ordinal) => null,
            _ => ResourceList(path),
        };
        if (body is null && path.StartsWith("/openapi", StringComparison.Ordinal))
        {
            _violations.Enqueue($"unserved OpenAPI document {path}");
            await Status(context, 404, "NotFound", "the server could not find the requested resource", null);
            return true;
        }
        if (body is null)
            return false;
        await Json(context, 200, body);
        return true;
    }

    private static string GroupVersionPath(string groupVersion) => groupVersion.Contains('/') ? $"apis/{groupVersion}" : $"api/{groupVersion}";

    /// <summary>
    /// An OpenAPI v3 document of a group version with just what kubectl and Helm read from it: each
    /// kind's PATCH operation accepts fieldValidation, so they validate on the server
    /// (cli-runtime's queryParamVerifierV3) instead of downloading schemas.
    /// </summary>
    private JsonObject? OpenApiDocument(string groupVersionPath)
    {
        var resources = Resources.Where(r => GroupVersionPath(r.GroupVersion) == groupVersionPath).ToList();
        if (resources.Count == 0)
            return null;
        var paths = new JsonObject();
        foreach (var r in resources)
            paths[$"/{groupVersionPath}/{(r.Namespaced ? "namespaces/{namespace}/" : "")}{r.Plural}/{{name}}"] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind },
                    ["parameters"] = new JsonArray(new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                },
            };
        return new JsonObject { ["openapi"] = "3.0.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = KubeVersion }, ["paths"] = paths };
    }

    private JsonObject? ResourceList(string path)
    {
        var parts = path.Trim('/').Split('/');
        var groupVersion = parts switch
        {
            ["api", var v] => v,
            ["apis", var g, var v] => $"{g}/{v}",
            _ => null,
        };
        if (groupVersion is null)
            return null;
        var resources = Resources.Where(r => r.GroupVersion == groupVersion).ToList();
        if (resources.Count == 0)
            return null;
        var list = new JsonArray();
        foreach (var r in resources)
        {
            list.Add(new JsonObject
            {
                ["name"] = r.Plural, ["singularName"] = r.Singular, ["namespaced"] = r.Namespaced, ["kind"] = r.Kind,
                ["verbs"] = new JsonArray([.. r.Verbs.Select(v => (JsonNode)v)]),
            });
            foreach (var sub in r.Subresources)
                list.Add(new JsonObject
                {
                    ["name"] = $"{r.Plural}/{sub}", ["singularName"] = "", ["namespaced"] = r.Namespaced,
                    ["kind"] = sub switch { "log" => "Pod", "eviction" => "Eviction", "proxy" => "NodeProxyOptions", _ => r.Kind },
                    ["verbs"] = new JsonArray([.. (sub switch { "log" or "proxy" => ["get"], "eviction" => ["create"], _ => new[] { "get", "patch", "update" } }).Select(v => (JsonNode)v)]),
                });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = list };
    }

    internal static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>A metav1.Status failure, as the API server writes it.</summary>
    internal static Task Status(HttpContext context, int code, string reason, string message, JsonObject? details) =>
        Json(context, code, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = reason, ["details"] = details, ["code"] = code,
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
