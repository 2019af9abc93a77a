using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KataArgo.Testing.Kube;

public sealed partial class KubeApi
{
    private async Task HandleResourceAsync(HttpContext context, ApiUser user, ResourceRoute route)
    {
        var request = context.Request;
        var (resource, ns, name, sub) = route;
        var verb = (request.Method, name.Length > 0) switch
        {
            ("GET", true) => "get",
            ("GET", false) => request.Query["watch"] == "true" || request.Query["watch"] == "1" ? "watch" : "list",
            ("POST", _) => "create",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("DELETE", true) => "delete",
            ("DELETE", false) => "deletecollection",
            _ => "unknown",
        };
        var attributes = new ApiAttributes(user, verb, resource.Group, resource.Plural, sub, ns, name);
        if (!Rbac.Allows(attributes))
        {
            _requests.Enqueue(new ApiRequest(attributes, 403));
            var forbidden = $"{attributes.ForbiddenReason}";
            await Status(context, 403, "Forbidden",
                name.Length == 0 ? $"{resource.Qualified} is forbidden: {forbidden}" : $"{resource.Qualified} \"{name}\" is forbidden: {forbidden}",
                Details(resource, name));
            return;
        }
        if (Hold is { } hold)
            await hold(attributes);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var body = Protobuf.IsEnvelope(bytes) ? Protobuf.Decode(bytes).ToJsonString() : Encoding.UTF8.GetString(bytes);
        var (status, response) = await Dispatch(context, attributes, resource, body);
        _requests.Enqueue(new ApiRequest(attributes, status));
        if (response is not null)
            await Json(context, status, response);
    }

    /// <summary>Answers an authorized request: the status code and the JSON body (null when already written).</summary>
    private async Task<(int, JsonNode?)> Dispatch(HttpContext context, ApiAttributes a, ApiResource resource, string body)
    {
        var query = context.Request.Query;
        var dryRun = query["dryRun"] == "All";
        switch (a.Verb, a.Subresource)
        {
            case ("get", "log"):
            {
                if (Store.Get("", "pods", a.Namespace, a.Name) is null)
                    return NotFound(resource, a.Name);
                context.Response.ContentType = "text/plain";
                var logs = Logs.GetValueOrDefault($"{a.Namespace}/{a.Name}", "");
                if (int.TryParse(query["tailLines"], out var tail))
                    logs = string.Join("", logs.Split('\n').SkipLast(1).TakeLast(tail).Select(l => l + "\n"));
                await context.Response.WriteAsync(logs);
                return (200, null);
            }
            case ("get", ""):
            case ("get", "status"):
                return Store.Get(resource.Group, resource.Plural, a.Namespace, a.Name) is { } found ? (200, found) : NotFound(resource, a.Name);
            case ("list", ""):
            {
                var items = Store.List(resource.Group, resource.Plural, a.Namespace)
                    .Where(o => Selectors.LabelsMatch(o, query["labelSelector"]) && Selectors.FieldsMatch(o, query["fieldSelector"]));
                return (200, new JsonObject
                {
                    ["kind"] = resource.Kind + "List", ["apiVersion"] = resource.GroupVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = Store.ResourceVersion },
                    ["items"] = new JsonArray([.. items]),
                });
            }
            case ("create", "eviction"):
                if (Store.Delete("", "pods", a.Namespace, a.Name) is null)
                    return NotFound(resource, a.Name);
                return (201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 });
            case ("create", "") when resource.Group == "authorization.k8s.io":
                return (201, AccessReview(a.User, resource, JsonNode.Parse(body)!.AsObject()));
            case ("create", ""):
                return Write(a, resource, null, JsonNode.Parse(body)!.AsObject(), dryRun);
            case ("update", ""):
            {
                var obj = JsonNode.Parse(body)!.AsObject();
                var live = Store.Get(resource.Group, resource.Plural, a.Namespace, a.Name);
                if (live is null)
                    return NotFound(resource, a.Name);
                var expected = (string?)obj["metadata"]?["resourceVersion"];
                if (!string.IsNullOrEmpty(expected) && expected != (string?)live["metadata"]!["resourceVersion"])
                    return Failure(409, "Conflict", $"Operation cannot be fulfilled on {resource.Qualified} \"{a.Name}\": the object has been modified; please apply your changes to the latest version and try again", Details(resource, a.Name));
                return Write(a, resource, live, obj, dryRun);
            }
            case ("patch", ""):
            {
                var live = Store.Get(resource.Group, resource.Plural, a.Namespace, a.Name);
                var type = context.Request.ContentType?.Split(';')[0] ?? "";
                if (live is null && type != "application/apply-patch+yaml")
                    return NotFound(resource, a.Name);
                JsonObject patched = type switch
                {
                    "application/merge-patch+json" => (JsonObject)Patches.MergePatch(live, JsonNode.Parse(body))!,
                    "application/strategic-merge-patch+json" => Patches.StrategicMergePatch(live!, JsonNode.Parse(body)!.AsObject()),
                    "application/apply-patch+yaml" => Patches.Apply(live, ParseApplied(body)),
                    _ => throw new InvalidOperationException($"patch type '{type}' is not served"),
                };
                patched.Meta()["name"] = a.Name;
                if (resource.Namespaced)
                    patched.Meta()["namespace"] = a.Namespace;
                return Write(a, resource, live, patched, dryRun);
            }
            case ("delete", ""):
            {
                var live = Store.Get(resource.Group, resource.Plural, a.Namespace, a.Name);
                if (live is null)
                    return NotFound(resource, a.Name);
                if (!dryRun)
                    Store.Delete(resource.Group, resource.Plural, a.Namespace, a.Name);
                return (200, live);
            }
            default:
                _violations.Enqueue($"unserved verb {a}");
                return Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({a})", null);
        }
    }

    /// <summary>Create (old null) or replace: names, namespace, escalation check, defaults, store, controllers.</summary>
    private (int, JsonNode?) Write(ApiAttributes a, ApiResource resource, JsonObject? old, JsonObject obj, bool dryRun)
    {
        var meta = obj.Meta();
        if (resource.Namespaced)
        {
            if ((string?)meta["namespace"] is { Length: > 0 } given && given != a.Namespace)
                return Failure(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request", null);
            meta["namespace"] = a.Namespace;
        }
        if (old is not null && (string?)meta["name"] != a.Name)
            return Failure(400, "BadRequest", "the name of the object does not match the name on the URL", null);
        if (old is null)
        {
            if ((string?)meta["name"] is not { Length: > 0 } && (string?)meta["generateName"] is { } prefix)
                meta["name"] = prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()[..5];
            if ((string?)meta["name"] is not { Length: > 0 })
                return Failure(422, "Invalid", $"{resource.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required", Details(resource, ""));
            if (resource.Namespaced && Store.Get("", "namespaces", "", a.Namespace) is null)
                return Failure(404, "NotFound", $"namespaces \"{a.Namespace}\" not found", new JsonObject { ["name"] = a.Namespace, ["kind"] = "namespaces" });
            obj.Remove("status");
        }
        else if (old["status"] is { } status)
            obj["status"] = status.DeepClone();
        else
            obj.Remove("status");
        var name = (string)meta["name"]!;
        if (Rbac.EscalationDenied(a.User, resource, a.Namespace, a.Name, obj, old) is { } denied)
            return Failure(403, "Forbidden", $"{resource.Qualified} \"{name}\" is forbidden: {denied}", Details(resource, name));
        if (resource.Kind == "DaemonSet")
            DefaultDaemonSet(obj);
        if (dryRun)
            return (old is null ? 201 : 200, obj);
        if (old is null)
        {
            if (!Store.Create(resource, obj))
                return Failure(409, "AlreadyExists", $"{resource.Qualified} \"{name}\" already exists", Details(resource, name));
        }
        else
            Store.Replace(resource, obj);
        var stored = Store.Get(resource.Group, resource.Plural, a.Namespace, name)!;
        if (resource.Kind == "DaemonSet")
            stored = DaemonSetController(stored);
        return (old is null ? 201 : 200, stored);
    }

    private JsonObject AccessReview(ApiUser user, ApiResource resource, JsonObject review)
    {
        var spec = review["spec"]?["resourceAttributes"];
        var allowed = spec is not null && Rbac.Allows(new ApiAttributes(user,
            (string?)spec["verb"] ?? "", (string?)spec["group"] ?? "", (string?)spec["resource"] ?? "",
            (string?)spec["subresource"] ?? "", (string?)spec["namespace"] ?? "", (string?)spec["name"] ?? ""));
        review["apiVersion"] = resource.GroupVersion;
        review["kind"] = resource.Kind;
        review["status"] = new JsonObject { ["allowed"] = allowed };
        return review;
    }

    private static JsonObject ParseApplied(string body)
    {
        try
        {
            return JsonNode.Parse(body)!.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            throw new InvalidOperationException("server-side apply bodies in YAML are not served; Helm and kubectl send JSON");
        }
    }

    /// <summary>SetDefaults_DaemonSet's update strategy (k8s.io/kubernetes pkg/apis/apps/v1/defaults.go).</summary>
    private static void DefaultDaemonSet(JsonObject ds)
    {
        var spec = ds["spec"] as JsonObject ?? (JsonObject)(ds["spec"] = new JsonObject());
        var strategy = spec["updateStrategy"] as JsonObject ?? (JsonObject)(spec["updateStrategy"] = new JsonObject());
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            var rolling = strategy["rollingUpdate"] as JsonObject ?? (JsonObject)(strategy["rollingUpdate"] = new JsonObject());
            rolling["maxUnavailable"] ??= 1;
            rolling["maxSurge"] ??= 0;
        }
        spec["revisionHistoryLimit"] ??= 10;
    }

    /// <summary>
    /// The DaemonSet controller, at once: observedGeneration follows generation, and the pod
    /// template has a ControllerRevision (labelled with the selector and its hash, owned by the
    /// DaemonSet) with the highest .revision.
    /// </summary>
    private JsonObject DaemonSetController(JsonObject ds)
    {
        var meta = ds.Meta();
        var ns = (string)meta["namespace"]!;
        // Kubernetes hashes the template's content (DeepHashObject prints it with sorted keys), so
        // the key order a patch leaves never makes a new revision of an unchanged template.
        var template = Canonical(ds["spec"]?["template"]);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template)))[..10].ToLowerInvariant();
        var uid = (string)meta["uid"]!;
        var owned = Store.List("apps", "controllerrevisions", ns)
            .Where(cr => cr["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r!["uid"] == uid)).ToList();
        var top = owned.Count == 0 ? 0 : owned.Max(cr => cr["revision"].AsLong()!.Value);
        var current = owned.FirstOrDefault(cr => (string?)cr["metadata"]!["labels"]?["controller-revision-hash"] == hash);
        var resource = Resource("apps", "controllerrevisions");
        if (current is null)
        {
            var labels = ds["spec"]?["selector"]?["matchLabels"]?.DeepClone() as JsonObject ?? [];
            labels["controller-revision-hash"] = hash;
            Store.Create(resource, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{meta["name"]}-{hash}", ["namespace"] = ns, ["labels"] = labels,
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet", ["name"] = (string?)meta["name"], ["uid"] = uid, ["controller"] = true,
                    }),
                },
                ["revision"] = top + 1,
            });
        }
        else if (current["revision"].AsLong()!.Value < top)
        {
            current["revision"] = top + 1;
            Store.Replace(resource, current);
        }
        var status = ds["status"] as JsonObject ?? [];
        status["observedGeneration"] = meta["generation"].AsLong() ?? 1;
        ds["status"] = status;
        Store.Replace(Resource("apps", "daemonsets"), ds);
        return Store.Get("apps", "daemonsets", ns, (string)meta["name"]!)!;
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{JsonValue.Create(p.Key).ToJsonString()}:{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    /// <summary>The updated revision's hash: what the DaemonSet controller labels new pods with.</summary>
    public string UpdatedRevision(string ns, string daemonSet)
    {
        var uid = (string)Store.Get("apps", "daemonsets", ns, daemonSet)!["metadata"]!["uid"]!;
        return Store.List("apps", "controllerrevisions", ns)
            .Where(cr => cr["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => (string?)r!["uid"] == uid))
            .MaxBy(cr => cr["revision"].AsLong()!.Value)!["metadata"]!["labels"]!["controller-revision-hash"]!.ToString();
    }

    private static (int, JsonNode?) NotFound(ApiResource resource, string name) =>
        Failure(404, "NotFound", $"{resource.Qualified} \"{name}\" not found", Details(resource, name));

    private static (int, JsonNode?) Failure(int code, string reason, string message, JsonObject? details) =>
        (code, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = reason, ["details"] = details, ["code"] = code,
        });

    private static JsonObject Details(ApiResource resource, string name)
    {
        var details = new JsonObject();
        if (name.Length > 0)
            details["name"] = name;
        if (resource.Group.Length > 0)
            details["group"] = resource.Group;
        details["kind"] = resource.Plural;
        return details;
    }
}
