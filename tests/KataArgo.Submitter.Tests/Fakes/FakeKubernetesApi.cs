using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;
using KataArgo.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// The few Kubernetes API endpoints kata-argo uses, on 127.0.0.1, reached through the real
/// KubernetesClient via a kubeconfig: nodes (labelSelector), DaemonSets, pods (labelSelector,
/// fieldSelector), ControllerRevisions (labelSelector) and ConfigMaps (get) from
/// fixtures/cluster.json, as a test may have changed it (<see cref="Cluster"/>), and argoproj.io/v1alpha1
/// WorkflowTemplates and Workflows (create, get, watch), the workflows replayed like
/// <see cref="FakeArgoServer"/> does. Created Workflows are checked against Argo's schema.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "kube-test-token";

    private readonly WebApplication _app;
    private readonly JsonObject _cluster = JsonNode.Parse(File.ReadAllText(WorkflowReplay.Fixture("cluster.json")))!.AsObject();
    private readonly ConcurrentDictionary<string, (WorkflowReplay Replay, JsonObject Created)> _workflows = new();
    private readonly ConcurrentDictionary<string, int> _steps = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentBag<DirectoryInfo> _kubeconfigs = new();

    public string Scenario { get; set; } = "sunny";
    public bool TemplateInstalled { get; set; } = true;
    public string Url { get; private set; } = "";

    /// <summary>The cluster's objects by kind (nodes, daemonSets, pods, controllerRevisions, configMaps), for a test to change before its requests.</summary>
    public JsonObject Cluster => _cluster;
    public IReadOnlyList<string> Requests => [.. _requests];
    public IReadOnlyList<string> Violations => [.. _violations];
    public IReadOnlyList<JsonObject> CreatedWorkflows => [.. _workflows.Values.Select(w => w.Created)];

    private readonly ConcurrentQueue<JsonObject> _secrets = new();

    /// <summary>The user may not list Secrets (403), as many operators may not in kube-system.</summary>
    public bool SecretsForbidden { get; set; }

    /// <summary>
    /// Helm's record of a release revision, as Helm 3 and 4 store it: a Secret
    /// sh.helm.release.v1.NAME.vN of type helm.sh/release.v1, labelled owner=helm, name, status,
    /// version, whose data.release is the release JSON gzipped and base64-encoded.
    /// </summary>
    public void AddHelmRelease(string name, string ns, int revision, string chartVersion, string manifest, JsonObject config, string status = "deployed")
    {
        var release = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["version"] = revision,
            ["info"] = new JsonObject { ["status"] = status },
            ["chart"] = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "kata-deploy", ["version"] = chartVersion } },
            ["config"] = config.DeepClone(),
            ["manifest"] = manifest,
        };
        _secrets.Enqueue(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = ReleaseSecret.Type,
            ["metadata"] = new JsonObject
            {
                ["name"] = $"sh.helm.release.v1.{name}.v{revision}",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { ["owner"] = "helm", ["name"] = name, ["status"] = status, ["version"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(ReleaseSecret.Encode(release)) },
        });
    }

    private readonly ConcurrentQueue<(string Method, Regex Path, int Code, string Body)> _failures = new();

    /// <summary>
    /// Answers requests of <paramref name="method"/> whose path matches <paramref name="path"/>
    /// with <paramref name="code"/> and <paramref name="body"/> (a Kubernetes Status by default,
    /// as the API server writes it for 403 and for a path it does not serve).
    /// </summary>
    public void Fail(string method, string path, int code, string? body = null) =>
        _failures.Enqueue((method, new Regex(path), code, body ?? StatusBody(code, code switch
        {
            403 => "Forbidden",
            404 => "NotFound",
            _ => "InternalError",
        }, code == 404 ? "the server could not find the requested resource" : $"request refused by the test ({code})").ToJsonString()));

    /// <summary>A 403 as the API server writes it: "RESOURCE is forbidden: User \"tester\" cannot VERB resource ...".</summary>
    public void Forbid(string method, string path, string verb, string resource, string group, string? ns) =>
        Fail(method, path, 403, StatusBody(403, "Forbidden",
            $"{resource}{(group.Length > 0 ? "." + group : "")} is forbidden: User \"tester\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {(ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"")}",
            new JsonObject { ["group"] = group, ["kind"] = resource }).ToJsonString());

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        api.Url = $"http://127.0.0.1:{url.Port}";
        return api;
    }

    /// <summary>A kubeconfig for this server in a fresh directory; returns its path.</summary>
    public string WriteKubeconfig(string token = Token)
    {
        var directory = Directory.CreateTempSubdirectory("kata-argo-kube-");
        _kubeconfigs.Add(directory);
        var path = Path.Combine(directory.FullName, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
                namespace: argo
            current-context: fake
            users:
            - name: tester
              user:
                token: {token}
            """);
        return path;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        _requests.Enqueue($"{request.Method} {path}{request.QueryString}");
        if (request.Headers.Authorization != $"Bearer {Token}")
        {
            await Status(context, 401, "Unauthorized", "Unauthorized");
            return;
        }
        var query = request.Query;
        if (_failures.FirstOrDefault(f => f.Method == request.Method && f.Path.IsMatch(path)) is { Body: not null } failure)
        {
            context.Response.StatusCode = failure.Code;
            context.Response.ContentType = failure.Body.StartsWith('{') ? "application/json" : "text/plain";
            await context.Response.WriteAsync(failure.Body);
            return;
        }
        switch (request.Method, path)
        {
            case ("GET", "/api/v1/nodes"):
                await List(context, "NodeList", "v1", Items("nodes").Where(n => Matches(n, query["labelSelector"])));
                break;
            case ("GET", _) when DaemonSets().Match(path) is { Success: true } m:
                await List(context, "DaemonSetList", "apps/v1", Items("daemonSets").Where(d => (string?)d["metadata"]!["namespace"] == m.Groups[1].Value));
                break;
            case ("GET", _) when Pods().Match(path) is { Success: true } m:
                await List(context, "PodList", "v1", Items("pods").Where(p => (string?)p["metadata"]!["namespace"] == m.Groups[1].Value
                    && Matches(p, query["labelSelector"]) && FieldMatches(p, query["fieldSelector"])));
                break;
            case ("GET", _) when ControllerRevisions().Match(path) is { Success: true } m:
                await List(context, "ControllerRevisionList", "apps/v1", Items("controllerRevisions").Where(r => (string?)r["metadata"]!["namespace"] == m.Groups[1].Value
                    && Matches(r, query["labelSelector"])));
                break;
            case ("GET", _) when ConfigMap().Match(path) is { Success: true } m:
                if (Items("configMaps").FirstOrDefault(c => (string?)c["metadata"]!["namespace"] == m.Groups[1].Value && (string?)c["metadata"]!["name"] == m.Groups[2].Value) is { } configMap)
                    await Json(context, configMap);
                else
                    await Status(context, 404, "NotFound", $"configmaps \"{m.Groups[2].Value}\" not found", new JsonObject { ["name"] = m.Groups[2].Value, ["kind"] = "configmaps" });
                break;
            case ("GET", _) when Secrets().Match(path) is { Success: true } && SecretsForbidden:
                await Status(context, 403, "Forbidden", "secrets is forbidden: User \"tester\" cannot list resource \"secrets\" in API group \"\" in the namespace \"kube-system\"");
                break;
            case ("GET", _) when Secrets().Match(path) is { Success: true } m:
                await List(context, "SecretList", "v1", _secrets.Where(p => (string?)p["metadata"]!["namespace"] == m.Groups[1].Value
                    && Matches(p, query["labelSelector"])));
                break;
            case ("GET", _) when Template().Match(path) is { Success: true } m:
                if (!TemplateInstalled || m.Groups[2].Value != LifecycleKeys.TemplateName)
                    await Status(context, 404, "NotFound", $"workflowtemplates.argoproj.io \"{m.Groups[2].Value}\" not found", new JsonObject { ["name"] = m.Groups[2].Value, ["group"] = "argoproj.io", ["kind"] = "workflowtemplates" });
                else
                    await Json(context, JsonSerializer.SerializeToNode(LifecycleWorkflow.Build(new LifecycleOptions { Namespace = m.Groups[1].Value }), ArgoJson.Options)!);
                break;
            case ("POST", _) when Workflows().Match(path) is { Success: true } m:
                await Create(context, m.Groups[1].Value);
                break;
            case ("GET", _) when Workflows().Match(path) is { Success: true } && query["watch"] == "true":
                await Watch(context, query["fieldSelector"].ToString());
                break;
            case ("GET", _) when Workflow().Match(path) is { Success: true } m:
                if (_workflows.TryGetValue(m.Groups[2].Value, out var run))
                    await Json(context, State(m.Groups[2].Value, advance: true));
                else
                    await Status(context, 404, "NotFound", $"workflows.argoproj.io \"{m.Groups[2].Value}\" not found", new JsonObject { ["name"] = m.Groups[2].Value, ["group"] = "argoproj.io", ["kind"] = "workflows" });
                break;
            default:
                _violations.Enqueue($"unexpected request {request.Method} {path}");
                await Status(context, 404, "NotFound", "the server could not find the requested resource");
                break;
        }
    }

    private async Task Create(HttpContext context, string ns)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        foreach (var problem in SwaggerSpec.Argo.ValidateDefinition("io.argoproj.workflow.v1alpha1.Workflow", body))
            _violations.Enqueue(problem);
        var created = JsonNode.Parse(body)!.AsObject();
        var name = (string)created["metadata"]!["name"]!;
        if (_workflows.ContainsKey(name))
        {
            await Status(context, 409, "AlreadyExists", $"workflows.argoproj.io \"{name}\" already exists");
            return;
        }
        created["metadata"]!["uid"] = "6e5d4c3b-2a19-4807-b6f5-e4d3c2b1a098";
        created["metadata"]!["resourceVersion"] = "41002";
        created["metadata"]!["creationTimestamp"] = "2025-06-02T11:59:59Z";
        _workflows[name] = (WorkflowReplay.Load(Scenario, name), created);
        _steps[name] = -1;
        context.Response.StatusCode = 201;
        await Json(context, created);
    }

    private async Task Watch(HttpContext context, string fieldSelector)
    {
        var name = fieldSelector.StartsWith("metadata.name=", StringComparison.Ordinal) ? fieldSelector["metadata.name=".Length..] : "";
        if (!_workflows.TryGetValue(name, out var run))
        {
            _violations.Enqueue($"watch without a fieldSelector naming a known workflow: '{fieldSelector}'");
            await Status(context, 400, "BadRequest", "unknown workflow");
            return;
        }
        context.Response.ContentType = "application/json";
        var type = "ADDED";
        while (true)
        {
            var state = State(name, advance: type != "ADDED");
            await context.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = state }.ToJsonString() + "\n");
            await context.Response.Body.FlushAsync();
            type = "MODIFIED";
            if (_steps[name] >= run.Replay.Steps - 1)
                return;
        }
    }

    private JsonObject State(string name, bool advance)
    {
        var (replay, created) = _workflows[name];
        var step = advance ? _steps.AddOrUpdate(name, 0, (_, s) => s + 1) : Math.Max(_steps[name], 0);
        _steps[name] = step;
        var state = replay.At(step);
        state["metadata"]!["annotations"] = created["metadata"]!["annotations"]!.DeepClone();
        state["spec"] = created["spec"]!.DeepClone();
        return state;
    }

    private IEnumerable<JsonObject> Items(string kind) => (_cluster[kind]?.AsArray() ?? []).Select(i => i!.AsObject());

    private static bool Matches(JsonObject item, string? selector)
    {
        var requirements = LabelSelectorText.Parse(selector ?? "", out var error);
        if (error is not null)
            throw new InvalidOperationException(error);
        var labels = item["metadata"]!["labels"]?.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!) ?? [];
        return requirements.All(r => r.Matches(labels));
    }

    private static bool FieldMatches(JsonObject pod, string? selector) => selector switch
    {
        null or "" => true,
        "spec.nodeName!=" => !string.IsNullOrEmpty((string?)pod["spec"]!["nodeName"]),
        _ => throw new InvalidOperationException($"the fake does not support fieldSelector '{selector}'"),
    };

    private static Task List(HttpContext context, string kind, string apiVersion, IEnumerable<JsonObject> items) =>
        Json(context, new JsonObject
        {
            ["kind"] = kind,
            ["apiVersion"] = apiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = "41877" },
            ["items"] = new JsonArray([.. items.Select(i => i.DeepClone())]),
        });

    /// <param name="details">The API server's details: the object's name (a missing object), group and kind (the resource).</param>
    private static Task Status(HttpContext context, int code, string reason, string message, JsonObject? details = null)
    {
        context.Response.StatusCode = code;
        return Json(context, StatusBody(code, reason, message, details));
    }

    private static JsonObject StatusBody(int code, string reason, string message, JsonObject? details = null) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = message, ["reason"] = reason, ["details"] = details ?? new JsonObject(), ["code"] = code,
    };

    private static async Task Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    [GeneratedRegex("^/apis/apps/v1/namespaces/([^/]+)/daemonsets$")]
    private static partial Regex DaemonSets();

    [GeneratedRegex("^/api/v1/namespaces/([^/]+)/pods$")]
    private static partial Regex Pods();

    [GeneratedRegex("^/apis/apps/v1/namespaces/([^/]+)/controllerrevisions$")]
    private static partial Regex ControllerRevisions();

    [GeneratedRegex("^/api/v1/namespaces/([^/]+)/configmaps/([^/]+)$")]
    private static partial Regex ConfigMap();

    [GeneratedRegex("^/api/v1/namespaces/([^/]+)/secrets$")]
    private static partial Regex Secrets();

    [GeneratedRegex("^/apis/argoproj.io/v1alpha1/namespaces/([^/]+)/workflowtemplates/([^/]+)$")]
    private static partial Regex Template();

    [GeneratedRegex("^/apis/argoproj.io/v1alpha1/namespaces/([^/]+)/workflows$")]
    private static partial Regex Workflows();

    [GeneratedRegex("^/apis/argoproj.io/v1alpha1/namespaces/([^/]+)/workflows/([^/]+)$")]
    private static partial Regex Workflow();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var directory in _kubeconfigs)
            directory.Delete(recursive: true);
    }
}
