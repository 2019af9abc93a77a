using System.Runtime.CompilerServices;
using System.Text.Json;
using Argo.Workflows.Client;
using k8s;
using k8s.Autorest;

namespace KataArgo.Submitter;

/// <summary>
/// The Kubernetes API (kubeconfig or in-cluster), for clusters whose Argo server is not exposed:
/// creates the <c>Workflow</c> custom resource with a <c>workflowTemplateRef</c>, as
/// <c>argo submit --from</c> would, and watches it.
/// </summary>
public sealed class KubernetesTransport : WorkflowTransport
{
    private const string Group = "argoproj.io";
    private const string Version = "v1alpha1";

    private readonly KubernetesConnection _connection;
    private readonly Kubernetes _client;

    public KubernetesTransport(KubernetesConnection connection, TimeProvider clock, RetryOptions? retry = null)
    {
        _connection = connection;
        // Each attempt has its own deadline (TransientRetryHandler); HttpClient's overall 100 s
        // default would cancel the retries midway and surface as a bare cancellation (exit 1).
        connection.Config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        _client = new Kubernetes(connection.Config, new TransientRetryHandler(retry ?? RetryOptions.Default, clock));
    }

    public override ClusterConnection Connection => _connection;

    /// <summary>The client, for reading nodes and DaemonSets (<see cref="ClusterInventory"/>).</summary>
    public IKubernetes Client => _client;

    protected override string CredentialsHint => "the kubeconfig's credentials were refused: check they are current (kubectl get nodes)";

    protected override string PermissionHint(string method, Uri url, string? verb) =>
        ApiRequest.Parse(method, ApiPath(url), watch: verb == "watch") is { } request
            ? $"the kubeconfig's user may not {request.Describe}: check with {request.CanI}, and ask for a {(request.Namespace is null ? "ClusterRole" : $"Role in namespace {request.Namespace}")} that grants it"
            : $"the kubeconfig's user lacks an RBAC permission for {method} {url}";

    public override async Task<WorkflowTemplate> GetTemplateAsync(CancellationToken cancellationToken)
    {
        var json = await Call("GET", Path("workflowtemplates", RunRequest.TemplateName),
            () => _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, Namespace, "workflowtemplates", RunRequest.TemplateName, cancellationToken),
            notFound: () => TemplateMissing($"{_connection.Describe}: HTTP 404")).ConfigureAwait(false);
        return Read<WorkflowTemplate>(json);
    }

    public override async Task<Workflow> GetWorkflowAsync(string name, CancellationToken cancellationToken)
    {
        var json = await Call("GET", Path("workflows", name),
            () => _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, Namespace, "workflows", name, cancellationToken),
            notFound: () => WorkflowNotFound(name, $"{_connection.Describe}: HTTP 404")).ConfigureAwait(false);
        return Read<Workflow>(json);
    }

    protected override async Task<Workflow?> CreateAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var workflow = new Workflow
        {
            ApiVersion = $"{Group}/{Version}",
            Kind = "Workflow",
            Metadata = new ObjectMeta
            {
                Name = request.Name,
                Namespace = Namespace,
                Labels = new() { [RunRequest.WorkflowTemplateLabel] = RunRequest.TemplateName },
                Annotations = new() { [RunRequest.SubmissionAnnotation] = request.SubmissionId },
            },
            Spec = new WorkflowSpec
            {
                WorkflowTemplateRef = new WorkflowTemplateRef { Name = RunRequest.TemplateName },
                Entrypoint = request.Entrypoint,
                Arguments = new Arguments { Parameters = [.. request.Parameters.Select(p => new Parameter { Name = p.Key, Value = p.Value })] },
            },
        };
        var body = JsonSerializer.SerializeToElement(workflow, ArgoJson.Options);
        try
        {
            var created = await Call("POST", Path("workflows", null),
                () => _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Group, Version, Namespace, "workflows", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return Read<Workflow>(created);
        }
        catch (SubmitterException e) when (e.InnerException is HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Conflict })
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<Workflow> StreamAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Exception? error = null;
        var events = _client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, Namespace, "workflows",
            fieldSelector: "metadata.name=" + name, timeoutSeconds: WorkflowEventStream.ServerTimeoutSeconds,
            onError: e => error ??= e, cancellationToken: cancellationToken);
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    break;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                throw NotServed("GET", Path("workflows", null), ApiRequest.Parse("GET", ApiPath(Path("workflows", null)), watch: true), e.Response.Content);
            }
            catch (HttpOperationException e)
            {
                throw HttpError("GET", Path("workflows", null), (int)e.Response.StatusCode, StatusMessage(e.Response.Content), verb: "watch");
            }
            var (type, value) = enumerator.Current;
            if (type == WatchEventType.Deleted)
                throw new SubmitterException(FailureKind.Failed, $"workflow {name} was deleted while it was being watched");
            if (type is WatchEventType.Added or WatchEventType.Modified)
                yield return Read<Workflow>(value);
        }
        if (error is not null)
            throw new WorkflowStreamException($"the watch of workflow {name} failed: {error.Message}", null);
    }

    private Uri Path(string plural, string? name) => ApiUrl($"apis/{Group}/{Version}/namespaces/{Namespace}/{plural}{(name is null ? "" : "/" + name)}");

    /// <summary>An API path on this cluster's server, for messages.</summary>
    public Uri ApiUrl(string path) => new(new Uri(_connection.Config.Host.TrimEnd('/') + "/"), path);

    /// <summary>The path of an API URL below the server's own (a kubeconfig server may carry a path prefix, e.g. behind a proxy).</summary>
    private string ApiPath(Uri url)
    {
        var prefix = new Uri(_connection.Config.Host.TrimEnd('/') + "/").AbsolutePath.TrimEnd('/');
        return url.AbsolutePath.StartsWith(prefix + "/", StringComparison.Ordinal) ? url.AbsolutePath[prefix.Length..] : url.AbsolutePath;
    }

    /// <summary>
    /// Runs one API call, turning its failures into the one-line errors of the CLI. A 404 is
    /// <paramref name="notFound"/> only when the API server says the named object is missing; a
    /// 404 on a list, or without the object's name, means the path is not served (an API group
    /// not installed, or not the Kubernetes API server meant) and is said so.
    /// </summary>
    public async Task<T> Call<T>(string method, Uri url, Func<Task<T>> call, Func<SubmitterException>? notFound = null)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            var request = ApiRequest.Parse(method, ApiPath(url));
            if (notFound is null || request is null || request.IsNotServed(e.Response.Content))
            {
                var notServed = NotServed(method, url, request, e.Response.Content);
                throw new SubmitterException(notServed.Kind, notServed.Message, e);
            }
            throw notFound();
        }
        catch (HttpOperationException e)
        {
            var error = HttpError(method, url, (int)e.Response.StatusCode, StatusMessage(e.Response.Content));
            throw new SubmitterException(error.Kind, error.Message, e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException { InnerException: TimeoutException })
        {
            throw Unreachable(method, url, e);
        }
    }

    /// <summary>A named object, or null when the API server says it does not exist (a path it does not serve is still an error).</summary>
    public async Task<T?> GetOrNull<T>(Uri url, Func<Task<T>> call) where T : class
    {
        var missing = false;
        try
        {
            return await Call("GET", url, call, notFound: () =>
            {
                missing = true;
                return new SubmitterException(FailureKind.Failed, $"GET {url}: not found");
            }).ConfigureAwait(false);
        }
        catch (SubmitterException) when (missing)
        {
            return null;
        }
    }

    /// <summary>
    /// A 404 for a path the server does not serve: Argo's custom resources when Argo Workflows is
    /// not installed (exit 1), else a built-in API group, which a Kubernetes API server always
    /// serves: the kubeconfig points elsewhere (exit 3).
    /// </summary>
    private SubmitterException NotServed(string method, Uri url, ApiRequest? request, string? body)
    {
        var answer = $"{method} {url} answered HTTP 404 Not Found{(StatusMessage(body) is { } message ? $" ({OneLine(message)})" : "")}";
        if (request is null)
            return new(FailureKind.Unreachable, $"{_connection.Describe} does not serve {url.AbsolutePath}: {answer}; is the kubeconfig's cluster the Kubernetes API server you mean?");
        var what = $"{_connection.Describe} does not serve {request.QualifiedResource} ({request.GroupVersion}): {answer}";
        return request.Group == Group
            ? new(FailureKind.Failed, $"{what}; is Argo Workflows installed? (kubectl api-resources --api-group={Group})")
            : new(FailureKind.Unreachable, $"{what}; is the kubeconfig's cluster the Kubernetes API server you mean? (kubectl api-resources --api-group={(request.Group.Length == 0 ? "''" : request.Group)})");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>The message of a Kubernetes Status answer, else the body if it is short.</summary>
    private static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
            return null;
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                return message.GetString();
        }
        catch (JsonException)
        {
        }
        return content.Length < 300 ? content : null;
    }

    private static T Read<T>(object json) => json switch
    {
        JsonElement element => element.Deserialize<T>(ArgoJson.Options)!,
        _ => JsonSerializer.SerializeToElement(json).Deserialize<T>(ArgoJson.Options)!,
    };

    public override void Dispose() => _client.Dispose();
}
