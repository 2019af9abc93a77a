using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Argo.Workflows.Client;

namespace KataArgo.Submitter;

/// <summary>
/// One way of reaching the cluster's workflows: the Argo server or the Kubernetes API. Both
/// submit the same Workflow (a <c>workflowTemplateRef</c> to kata-lifecycle-manager) and read the
/// same Workflow objects back.
/// </summary>
public abstract partial class WorkflowTransport : IDisposable
{
    public abstract ClusterConnection Connection { get; }

    public static WorkflowTransport Create(ClusterConnection connection, TimeProvider clock, RetryOptions? retry = null) => connection switch
    {
        ArgoServerConnection argo => new ArgoServerTransport(argo, clock, retry),
        KubernetesConnection kube => new KubernetesTransport(kube, clock, retry),
        _ => throw new ArgumentOutOfRangeException(nameof(connection)),
    };

    public string Namespace => Connection.Namespace;

    /// <summary>The installed WorkflowTemplate; <see cref="FailureKind.TemplateMissing"/> when there is none.</summary>
    public abstract Task<WorkflowTemplate> GetTemplateAsync(CancellationToken cancellationToken);

    public abstract Task<Workflow> GetWorkflowAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates the run; null when a workflow of that name already exists.</summary>
    protected abstract Task<Workflow?> CreateAsync(RunRequest request, CancellationToken cancellationToken);

    /// <summary>The workflow's states over one watch connection, starting with the current one; ends when the connection does.</summary>
    public abstract IAsyncEnumerable<Workflow> StreamAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Submits the run after checking the installed template accepts it. Idempotent: a retried
    /// request that finds its own earlier attempt returns that workflow instead of a second run.
    /// </summary>
    public async Task<Workflow> SubmitAsync(RunRequest request, CancellationToken cancellationToken)
    {
        CheckTemplate(await GetTemplateAsync(cancellationToken).ConfigureAwait(false), request);
        for (var attempt = 0; ; attempt++)
        {
            if (await CreateAsync(request, cancellationToken).ConfigureAwait(false) is { } created)
                return created;
            var existing = await GetWorkflowAsync(request.Name, cancellationToken).ConfigureAwait(false);
            if (existing.Metadata.Annotations?.GetValueOrDefault(RunRequest.SubmissionAnnotation) == request.SubmissionId)
                return existing;
            if (request.NameGiven || attempt >= 2)
                throw new SubmitterException(FailureKind.InvalidRequest, $"a workflow named {request.Name} already exists in namespace {Namespace}; choose another --name");
            request = request with { Name = WorkflowNames.NewRunName() };
        }
    }

    /// <summary>Refuses a run the installed template would not understand (an older chart).</summary>
    public void CheckTemplate(WorkflowTemplate template, RunRequest request)
    {
        var upgrade = $"upgrade the chart in {Namespace} to the version of this kata-argo ({InstallHint.Short(Namespace)})";
        if (template.Spec.Templates?.Any(t => t.Name == request.Entrypoint) == false)
            throw new SubmitterException(FailureKind.InvalidRequest, $"the installed WorkflowTemplate {RunRequest.TemplateName} has no entrypoint {request.Entrypoint}; {upgrade}");
        var declared = template.Spec.Arguments?.Parameters?.Select(p => p.Name).ToHashSet() ?? [];
        if (request.Parameters.FirstOrDefault(p => !declared.Contains(p.Key)) is { Key: { } unknown })
            throw new SubmitterException(FailureKind.InvalidRequest, $"the installed WorkflowTemplate {RunRequest.TemplateName} does not declare parameter {unknown}; {upgrade}");
    }

    public abstract void Dispose();

    /// <summary>
    /// The template is not where we looked. When the namespace was not chosen (it is the
    /// kubeconfig's), the likely cause is that the chart is in its own argoNamespace: say so first.
    /// </summary>
    protected SubmitterException TemplateMissing(string detail)
    {
        var origin = Connection.NamespaceSource switch
        {
            NamespaceSource.KubeConfig => "from the kubeconfig context; ",
            NamespaceSource.Environment => "from ARGO_NAMESPACE; ",
            _ => "",
        };
        var elsewhere = Connection.NamespaceSource is NamespaceSource.KubeConfig or NamespaceSource.Environment && Namespace != ConnectionSettings.DefaultNamespace
            ? $"if the chart is installed in its default argoNamespace, pass -n {ConnectionSettings.DefaultNamespace} (or set ARGO_NAMESPACE={ConnectionSettings.DefaultNamespace}); otherwise install it: "
            : "install the chart: ";
        return new(FailureKind.TemplateMissing, $"WorkflowTemplate {RunRequest.TemplateName} not found in namespace {Namespace} ({origin}{detail}); {elsewhere}{InstallHint.Full(Namespace)}");
    }

    protected SubmitterException WorkflowNotFound(string name, string detail) =>
        new(FailureKind.InvalidRequest, $"workflow {name} not found in namespace {Namespace} ({detail})");

    /// <summary>One line for a request that failed without an HTTP answer.</summary>
    protected SubmitterException Unreachable(string method, Uri url, Exception e) => new(FailureKind.Unreachable, e switch
    {
        HttpRequestException { InnerException: AuthenticationException auth } when !ServerSentCertificate =>
            $"cannot reach {Connection.Describe}: {method} {url}: TLS handshake failed ({Reason(auth)}): the server did not answer in TLS; if it serves plain HTTP, pass -e false (--secure=false) or set ARGO_SECURE=false",
        HttpRequestException { InnerException: AuthenticationException auth } =>
            $"cannot reach {Connection.Describe}: {method} {url}: TLS handshake failed ({Reason(auth)}); if the server's certificate is self-signed, pass -k/--insecure-skip-verify or set ARGO_INSECURE_SKIP_VERIFY=true",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
            $"cannot reach {Connection.Describe}: {method} {url}: TLS handshake failed ({Reason(e)}); for a plain-HTTP server set ARGO_SECURE=false",
        TimeoutException =>
            $"cannot reach {Connection.Describe}: {method} {url}: {e.Message}, after retries",
        _ => $"cannot reach {Connection.Describe}: {method} {url}: {Reason(e)}",
    }, e);

    /// <summary>One line for an HTTP error answer: the URL, the status and what the server said.</summary>
    /// <param name="verb">The RBAC verb when the method does not say it (<c>watch</c> for a watch's GET).</param>
    protected SubmitterException HttpError(string method, Uri url, int status, string? serverMessage, string? verb = null)
    {
        var what = $"{method} {url}: HTTP {status} {StatusText(status)}{(string.IsNullOrWhiteSpace(serverMessage) ? "" : ": " + OneLine(serverMessage))}";
        return status switch
        {
            401 => new(FailureKind.Unreachable, $"{Connection.Describe} refused the credentials: {what}; {CredentialsHint}"),
            403 => new(FailureKind.Unreachable, $"{Connection.Describe} accepted the credentials but they may not do this: {what}; {PermissionHint(method, url, verb)}"),
            >= 500 => new(FailureKind.Unreachable, $"{Connection.Describe} failed: {what}, after retries"),
            400 or 409 or 422 => new(FailureKind.InvalidRequest, $"{Connection.Describe} rejected the request: {what}"),
            _ => new(FailureKind.Failed, $"{Connection.Describe} answered {what}"),
        };
    }

    protected abstract string CredentialsHint { get; }

    /// <summary>
    /// Whether the server got as far as sending a certificate in a TLS handshake: a handshake that
    /// fails before it is not a certificate problem (-k would not help) but most likely a plain-HTTP server.
    /// </summary>
    protected virtual bool ServerSentCertificate => true;

    /// <summary>What to check when the server answers 403 to this request: which RBAC permission is missing (not the token), and how to get it.</summary>
    protected abstract string PermissionHint(string method, Uri url, string? verb);

    public static string StatusText(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? SplitWords().Replace(((HttpStatusCode)status).ToString(), " $1") : "";

    private static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    _ => OneLine(socket.Message),
                };
        return OneLine(e.InnerException is { } i && e.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase) ? i.Message : e.Message);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex SplitWords();
}

/// <summary>How to install the chart, for the "template missing" error.</summary>
public static class InstallHint
{
    /// <summary>The chart puts its objects in argoNamespace, whatever helm's -n says: another namespace needs both.</summary>
    public static string Full(string ns) =>
        $"helm install {RunRequest.TemplateName} charts/{RunRequest.TemplateName} -n {ns}{(ns == ConnectionSettings.DefaultNamespace ? "" : $" --set argoNamespace={ns}")} --set-file defaults.verificationPod=pod.yaml, " +
        $"or without Helm: kata-argo template -n {ns} --set-file defaults.verificationPod=pod.yaml | kubectl apply --server-side -f -";

    public static string Short(string ns) =>
        $"helm upgrade {RunRequest.TemplateName} charts/{RunRequest.TemplateName} -n {ns} --reuse-values, or kata-argo template -n {ns} ... | kubectl apply --server-side -f -";
}
