using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

public sealed record RecordedRequest(string Method, string Operation, string Query, string? Body, int Status);

/// <summary>
/// An Argo server on 127.0.0.1 for tests: routes by Argo's OpenAPI spec, refuses any request the
/// spec does not accept (and records it as a violation), checks the bearer token, serves the
/// kata-lifecycle-manager WorkflowTemplate as the chart installs it, and plays recorded runs
/// (<see cref="WorkflowReplay"/>) forward one state per GET and per event-stream message.
/// </summary>
public sealed class FakeArgoServer : IAsyncDisposable
{
    public const string Token = "kata-argo-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, Run> _runs = new();
    private readonly ConcurrentDictionary<string, Queue<int>> _faults = new();
    private int _streamConnections;

    private sealed class Run(WorkflowReplay replay, JsonObject submitted)
    {
        public WorkflowReplay Replay { get; } = replay;
        public JsonObject Submitted { get; } = submitted;
        public int Step { get; set; } = -1;
        public bool Frozen { get; init; }
        public Action<JsonObject>? Edit { get; init; }
    }

    /// <summary>The recorded run a submission plays: "sunny" or "rainy".</summary>
    public string Scenario { get; set; } = "sunny";

    public bool TemplateInstalled { get; set; } = true;

    /// <summary>The first event-stream connection is cut after this many messages (0: never).</summary>
    public int DropFirstStreamAfter { get; set; }

    /// <summary>The next submission is stored, then answered 503 (the answer was lost): a retry must not start a second run.</summary>
    public bool LoseNextSubmitAnswer { get; set; }

    /// <summary>The event stream answers 503 every time (a proxy that cannot stream): clients must poll.</summary>
    public bool StreamUnavailable { get; set; }

    /// <summary>The event stream accepts the request and never answers (a proxy that buffers streams): clients must give up on it and poll.</summary>
    public bool StreamHangs { get; set; }

    /// <summary>Called as each event-stream request arrives, before it is answered.</summary>
    public Action? OnStreamRequest { get; set; }

    public string Address { get; private set; } = "";

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<string> Violations => [.. _violations];

    public int StreamConnections => _streamConnections;

    private FakeArgoServer(WebApplication app) => _app = app;

    public static async Task<FakeArgoServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
                listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var server = new FakeArgoServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Address = $"127.0.0.1:{url.Port}";
        return server;
    }

    /// <summary>Answers the next <paramref name="times"/> calls of an operation with <paramref name="status"/>.</summary>
    public void Fail(string operationId, int status, int times = 1)
    {
        var queue = _faults.GetOrAdd(operationId, _ => new Queue<int>());
        lock (queue)
            for (var i = 0; i < times; i++)
                queue.Enqueue(status);
    }

    /// <summary>A run that exists already (for watch, status and recover), at a step; frozen: GETs do not advance it; edit: changes every state served.</summary>
    public void AddRun(string scenario, int step = 0, bool frozen = false, Action<JsonObject>? edit = null)
    {
        var replay = WorkflowReplay.Load(scenario);
        _runs[replay.Name] = new Run(replay, replay.Submitted()) { Step = step, Frozen = frozen, Edit = edit };
    }

    public int Count(string operationId) => _requests.Count(r => r.Operation == operationId);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            body = await new StreamReader(request.Body).ReadToEndAsync();
        var match = SwaggerSpec.Argo.Find(request.Method, request.Path.Value ?? "");
        var operation = match?.Operation.Id ?? $"{request.Method} {request.Path}";
        var status = await DispatchAsync(context, match, body);
        _requests.Enqueue(new RecordedRequest(request.Method, operation, request.QueryString.Value ?? "", body, status));
    }

    private async Task<int> DispatchAsync(HttpContext context, SwaggerSpec.Match? match, string? body)
    {
        if (match is null)
        {
            _violations.Enqueue($"no operation for {context.Request.Method} {context.Request.Path}");
            return await Error(context, 404, 5, "Not Found");
        }
        var problems = SwaggerSpec.Argo.Validate(match.Operation, context.Request.Query.Keys, body);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
                _violations.Enqueue(problem);
            return await Error(context, 400, 3, string.Join("; ", problems));
        }
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
            return await Error(context, 401, 16, "token not valid for running mode");
        if (_faults.TryGetValue(match.Operation.Id, out var faults))
        {
            int? fault = null;
            lock (faults)
                if (faults.Count > 0)
                    fault = faults.Dequeue();
            if (fault is { } code)
            {
                context.Response.StatusCode = code;
                await context.Response.WriteAsync(code >= 500 ? "upstream connect error or disconnect/reset before headers" : "{\"code\":3,\"message\":\"bad request\"}");
                return code;
            }
        }

        var p = match.PathParameters;
        return match.Operation.Id switch
        {
            "WorkflowTemplateService_GetWorkflowTemplate" => await GetTemplate(context, p["namespace"], p["name"]),
            "WorkflowService_SubmitWorkflow" => await Submit(context, p["namespace"], body!),
            "WorkflowService_GetWorkflow" => await GetWorkflow(context, p["name"]),
            "WorkflowService_WatchWorkflows" => await Stream(context),
            var other => await Error(context, 501, 12, $"{other} is not implemented by the fake"),
        };
    }

    private async Task<int> GetTemplate(HttpContext context, string ns, string name)
    {
        if (!TemplateInstalled || name != LifecycleKeys.TemplateName)
            return await Error(context, 404, 5, $"workflowtemplates.argoproj.io \"{name}\" not found");
        var template = LifecycleWorkflow.Build(new LifecycleOptions { Namespace = ns });
        template.Metadata.Uid = "4b8c2d1e-7f3a-4e59-b6d0-9a1c8e2f7b34";
        template.Metadata.ResourceVersion = "40117";
        return await Json(context, JsonSerializer.SerializeToNode(template, ArgoJson.Options)!);
    }

    private async Task<int> Submit(HttpContext context, string ns, string body)
    {
        var request = JsonSerializer.Deserialize<WorkflowSubmitRequest>(body, ArgoJson.Options)!;
        if (!TemplateInstalled || request.ResourceKind != "WorkflowTemplate" || request.ResourceName != LifecycleKeys.TemplateName)
            return await Error(context, 404, 5, $"workflowtemplates.argoproj.io \"{request.ResourceName}\" not found");
        var options = request.SubmitOptions!;
        var name = options.Name ?? $"{LifecycleKeys.TemplateName}-zz9zz";
        var annotation = options.Annotations?.Split('=', 2) ?? [];
        if (_runs.TryGetValue(name, out var existing))
            return await Error(context, 409, 6, $"workflows.argoproj.io \"{name}\" already exists");

        var replay = WorkflowReplay.Load(Scenario, name);
        var submitted = replay.Submitted();
        submitted["metadata"]!["namespace"] = ns;
        if (annotation.Length == 2)
            submitted["metadata"]!["annotations"]![annotation[0]] = annotation[1];
        submitted["spec"]!["entrypoint"] = options.EntryPoint ?? LifecycleWorkflow.UpgradeAllNodes;
        submitted["spec"]!["arguments"] = new JsonObject
        {
            ["parameters"] = new JsonArray([.. (options.Parameters ?? []).Select(a => a.Split('=', 2)).Select(kv => new JsonObject { ["name"] = kv[0], ["value"] = kv[1] })]),
        };
        _runs[name] = new Run(replay, submitted);
        if (LoseNextSubmitAnswer)
        {
            LoseNextSubmitAnswer = false;
            return await Error(context, 503, 14, "upstream request timeout");
        }
        return await Json(context, submitted);
    }

    private async Task<int> GetWorkflow(HttpContext context, string name)
    {
        if (!_runs.TryGetValue(name, out var run))
            return await Error(context, 404, 5, $"workflows.argoproj.io \"{name}\" not found");
        if (!run.Frozen)
            run.Step++;
        return await Json(context, State(run));
    }

    private async Task<int> Stream(HttpContext context)
    {
        var connection = Interlocked.Increment(ref _streamConnections);
        OnStreamRequest?.Invoke();
        if (StreamHangs)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return 0;
        }
        if (StreamUnavailable)
            return await Error(context, 503, 14, "stream unavailable");
        var selector = context.Request.Query["listOptions.fieldSelector"].ToString();
        var name = selector.StartsWith("metadata.name=", StringComparison.Ordinal) ? selector["metadata.name=".Length..] : null;
        if (name is null || !_runs.TryGetValue(name, out var run))
        {
            _violations.Enqueue($"event stream without a fieldSelector naming a known run: '{selector}'");
            return await Error(context, 400, 3, "expected listOptions.fieldSelector=metadata.name=NAME");
        }
        context.Response.ContentType = "application/json";
        var sent = 0;
        var type = "ADDED";
        while (true)
        {
            run.Step = Math.Max(run.Step, 0);
            var line = new JsonObject { ["result"] = new JsonObject { ["type"] = type, ["object"] = State(run) } }.ToJsonString();
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
            sent++;
            type = "MODIFIED";
            if (connection == 1 && DropFirstStreamAfter > 0 && sent >= DropFirstStreamAfter)
            {
                context.Abort(); // the connection drops mid-stream
                return 200;
            }
            if (run.Step >= run.Replay.Steps - 1)
                return 200;
            run.Step++;
        }
    }

    private static JsonObject State(Run run)
    {
        if (run.Step < 0)
            return run.Submitted.DeepClone().AsObject();
        var state = run.Replay.At(run.Step);
        state["metadata"]!["annotations"] = run.Submitted["metadata"]!["annotations"]!.DeepClone();
        state["spec"] = run.Submitted["spec"]!.DeepClone();
        run.Edit?.Invoke(state);
        return state;
    }

    private static async Task<int> Json(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
        return 200;
    }

    private static async Task<int> Error(HttpContext context, int status, int grpcCode, string message)
    {
        context.Response.StatusCode = status;
        await Json(context, new JsonObject { ["code"] = grpcCode, ["message"] = message });
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
