using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Argo.Workflows.Client;

namespace KataArgo.Submitter;

/// <summary>
/// The Argo server's API (what the <c>argo</c> CLI uses with ARGO_SERVER), through the generated
/// Argo.Workflows.Client; only the event stream, which the generator cannot express, is read by
/// <see cref="WorkflowEventStream"/>.
/// </summary>
public sealed class ArgoServerTransport : WorkflowTransport
{
    private readonly ArgoServerConnection _connection;
    private readonly SocketsHttpHandler _sockets;
    private readonly HttpClient _api;
    private readonly HttpClient _stream;
    private readonly WorkflowServiceClient _workflows;
    private readonly WorkflowTemplateServiceClient _templates;
    private readonly WorkflowEventStream _events;
    private volatile bool _serverSentCertificate;

    public ArgoServerTransport(ArgoServerConnection connection, TimeProvider clock, RetryOptions? retry = null)
    {
        _connection = connection;
        _sockets = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        // The default validation, or none with -k; noting that a certificate came at all.
        _sockets.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) =>
        {
            _serverSentCertificate = true;
            return connection.InsecureSkipVerify || errors == System.Net.Security.SslPolicyErrors.None;
        };
        // Requests are retried; the event stream reconnects by itself instead.
        _api = Client(new TransientRetryHandler(retry ?? RetryOptions.Default, clock, _sockets));
        _stream = Client(_sockets);
        // As text, so that an answer that is not the Argo server's JSON can still be quoted in the error.
        _workflows = new WorkflowServiceClient(_api) { BaseUrl = connection.BaseUri.ToString(), ReadResponseAsString = true };
        _templates = new WorkflowTemplateServiceClient(_api) { BaseUrl = connection.BaseUri.ToString(), ReadResponseAsString = true };
        _events = new WorkflowEventStream(_stream, connection.BaseUri, (retry ?? RetryOptions.Default).AttemptTimeout);
    }

    public override ClusterConnection Connection => _connection;

    protected override bool ServerSentCertificate => _serverSentCertificate;

    protected override string CredentialsHint => _connection.Authorization is null
        ? "no token was given: set ARGO_TOKEN or pass --token (e.g. the output of `argo auth token`)"
        : "the token given (ARGO_TOKEN / --token) was refused: check it is current (e.g. the output of `argo auth token`)";

    protected override string PermissionHint(string method, Uri url, string? verb)
    {
        var denied = Denied(method, url) is { } request ? $"{request.Describe} ({request.CanI} --as=system:serviceaccount:NAMESPACE:NAME checks it)" : $"{method} {url}";
        return _connection.Authorization is null
            ? $"no token was given, so the server used its own identity, which may not {denied}: set ARGO_TOKEN or pass --token (e.g. $(argo auth token))"
            : $"the token's account may not {denied}: ask for a Role in namespace {Namespace} that grants it to the token's ServiceAccount, or use an account that has it";
    }

    /// <summary>The Kubernetes right behind an Argo server request: the server acts as the token's ServiceAccount (argo-server auth mode client).</summary>
    private ApiRequest? Denied(string method, Uri url)
    {
        var path = "/" + _connection.BaseUri.MakeRelativeUri(url).OriginalString.Split('?')[0];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["api", "v1", "workflow-templates", var ns, var name] => new("get", "argoproj.io", "v1alpha1", "workflowtemplates", ns, name),
            ["api", "v1", "workflows", var ns, "submit"] => new("create", "argoproj.io", "v1alpha1", "workflows", ns, null),
            ["api", "v1", "workflows", var ns, var name] => new("get", "argoproj.io", "v1alpha1", "workflows", ns, name),
            ["api", "v1", "workflow-events", var ns] => new("watch", "argoproj.io", "v1alpha1", "workflows", ns, null),
            _ => null,
        };
    }

    public override Task<WorkflowTemplate> GetTemplateAsync(CancellationToken cancellationToken) =>
        Call("GET", $"api/v1/workflow-templates/{Namespace}/{RunRequest.TemplateName}",
            () => _templates.GetWorkflowTemplateAsync(Namespace, RunRequest.TemplateName, cancellationToken: cancellationToken),
            notFound: e => TemplateMissing($"{_connection.Describe}: HTTP 404"));

    public override Task<Workflow> GetWorkflowAsync(string name, CancellationToken cancellationToken) =>
        Call("GET", $"api/v1/workflows/{Namespace}/{name}",
            () => _workflows.GetWorkflowAsync(Namespace, name, cancellationToken: cancellationToken),
            notFound: e => WorkflowNotFound(name, $"{_connection.Describe}: HTTP 404"));

    protected override async Task<Workflow?> CreateAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var body = new WorkflowSubmitRequest
        {
            Namespace = Namespace,
            ResourceKind = "WorkflowTemplate",
            ResourceName = RunRequest.TemplateName,
            SubmitOptions = new SubmitOpts
            {
                Name = request.Name,
                EntryPoint = request.Entrypoint,
                Parameters = [.. request.Parameters.Select(p => $"{p.Key}={p.Value}")],
                Annotations = $"{RunRequest.SubmissionAnnotation}={request.SubmissionId}",
            },
        };
        try
        {
            return await Call("POST", $"api/v1/workflows/{Namespace}/submit",
                () => _workflows.SubmitWorkflowAsync(Namespace, body, cancellationToken),
                notFound: e => TemplateMissing($"{_connection.Describe}: HTTP 404"),
                conflict: true).ConfigureAwait(false);
        }
        catch (ConflictException)
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<Workflow> StreamAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = _events.ReadAsync(Namespace, name, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                    yield break;
            }
            catch (WorkflowStreamException e) when (e.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                throw HttpError("GET", new Uri(_connection.BaseUri, $"api/v1/workflow-events/{Namespace}"), (int)e.StatusCode, null);
            }
            yield return events.Current;
        }
    }

    private async Task<T> Call<T>(string method, string path, Func<Task<T>> call, Func<ArgoApiException, SubmitterException> notFound, bool conflict = false)
    {
        var url = new Uri(_connection.BaseUri, path);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ArgoApiException e) when (e.StatusCode == 404)
        {
            // A missing object is gRPC's NotFound (code 5); any other 404 (a proxy's, a web page's)
            // means this address does not serve the Argo server's API at that path.
            if (e is ArgoApiException<Error> { Result.Code: 5 })
                throw notFound(e);
            throw new SubmitterException(FailureKind.Unreachable,
                $"{_connection.Describe} does not serve the Argo server's API: {method} {url} answered HTTP 404 Not Found{(ServerMessage(e) is { } body ? $" ({body.ReplaceLineEndings(" ").Trim()})" : "")}; " +
                "check that ARGO_SERVER / -s is the Argo server's host:port and ARGO_BASE_HREF its path prefix, if it has one", e);
        }
        catch (ArgoApiException e) when (e.StatusCode == 409 && conflict)
        {
            throw new ConflictException();
        }
        catch (ArgoApiException e)
        {
            throw HttpError(method, url, e.StatusCode, ServerMessage(e));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            throw Unreachable(method, url, e);
        }
    }

    /// <summary>What the server said: the Argo (gRPC gateway) error's message, else a JSON body's <c>message</c> (a Kubernetes Status), else a short body.</summary>
    private static string? ServerMessage(ArgoApiException e)
    {
        if (e is ArgoApiException<Error> { Result.Message: { Length: > 0 } message })
            return message;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(e.Response ?? "");
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var text) && text.ValueKind == System.Text.Json.JsonValueKind.String)
                return text.GetString();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return e.Response is { Length: > 0 and < 300 } body ? body.Trim() : null;
    }

    private HttpClient Client(HttpMessageHandler handler)
    {
        var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        if (_connection.Authorization is { } authorization)
            client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("kata-argo", typeof(ArgoServerTransport).Assembly.GetName().Version?.ToString(3)));
        return client;
    }

    public override void Dispose()
    {
        _api.Dispose();
        _stream.Dispose();
        _sockets.Dispose();
    }

    private sealed class ConflictException : Exception;
}
