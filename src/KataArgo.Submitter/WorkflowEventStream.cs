using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Argo.Workflows.Client;

namespace KataArgo.Submitter;

/// <summary>
/// Reads <c>GET /api/v1/workflow-events/{namespace}</c>, the Argo server's watch of workflows:
/// newline-delimited JSON, each line <c>{"result": {"type": ..., "object": Workflow}}</c> or, when
/// the server gives up, <c>{"error": {...}}</c>. One call is one connection; reconnecting and
/// falling back to polling is <see cref="WorkflowWatcher"/>'s job.
/// </summary>
public sealed class WorkflowEventStream(HttpClient http, Uri baseUri, TimeSpan? headersTimeout = null)
{
    private readonly TimeSpan _headersTimeout = headersTimeout ?? RetryOptions.Default.AttemptTimeout;

    /// <summary>The server ends the watch after this long; the watcher reconnects (a guard against silently dead connections).</summary>
    public const int ServerTimeoutSeconds = 300;

    public async IAsyncEnumerable<Workflow> ReadAsync(string ns, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = new Uri(baseUri,
            $"api/v1/workflow-events/{Uri.EscapeDataString(ns)}" +
            $"?listOptions.fieldSelector={Uri.EscapeDataString("metadata.name=" + name)}" +
            $"&listOptions.timeoutSeconds={ServerTimeoutSeconds}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json");
        // A server that accepts the connection but never answers must not hold the watch silently.
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(_headersTimeout);
        HttpResponseMessage answer;
        try
        {
            answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WorkflowStreamException($"GET {url}: no answer within {_headersTimeout.TotalSeconds:0.#}s", null);
        }
        using var response = answer;
        if (!response.IsSuccessStatusCode)
            throw new WorkflowStreamException($"GET {url}: HTTP {(int)response.StatusCode} {WorkflowTransport.StatusText((int)response.StatusCode)}", response.StatusCode);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var message = JsonSerializer.Deserialize<StreamMessage>(line, ArgoJson.Options)
                ?? throw new WorkflowStreamException("the event stream sent an empty message", null);
            if (message.Error is { } error)
                throw new WorkflowStreamException($"the event stream ended with an error: {error.Message ?? error.Error1}", error.HttpCode is int code ? (HttpStatusCode)code : null);
            if (message.Result is { Type: "DELETED" })
                throw new SubmitterException(FailureKind.Failed, $"workflow {name} was deleted while it was being watched");
            if (message.Result is { Object: { } workflow })
                yield return workflow;
        }
    }

    private sealed record StreamMessage(
        [property: JsonPropertyName("result")] WorkflowWatchEvent? Result,
        [property: JsonPropertyName("error")] StreamError? Error);

    private sealed record StreamError(
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("error")] string? Error1,
        [property: JsonPropertyName("http_code")] int? HttpCode);
}

/// <summary>The event stream failed; <see cref="StatusCode"/> when the server answered.</summary>
public sealed class WorkflowStreamException(string message, HttpStatusCode? statusCode) : Exception(message)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
