using System.Net;
using System.Security.Authentication;
using Polly;
using Polly.Retry;

namespace KataArgo.Submitter;

/// <summary>How often and how patiently transient failures are retried.</summary>
public sealed record RetryOptions
{
    public int MaxRetries { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(8);
    /// <summary>
    /// Until the response headers arrive; a watch stream's body is not bounded by it. With the
    /// defaults a server that never answers is given up after about two minutes, with a notice per retry.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Told before each retry what failed and when the next attempt is (for stderr), so a wait is never silent.</summary>
    public Action<string>? Notice { get; init; }

    public static RetryOptions Default { get; } = new();
}

/// <summary>
/// Retries a request, with exponential backoff and jitter, a bounded number of times, when the
/// failure is transient: a 5xx answer, a refused or reset connection, no answer in time. Never a
/// 4xx answer and never a TLS failure: those will not heal by themselves.
/// </summary>
public sealed class TransientRetryHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("kata-argo.request");
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeSpan _attemptTimeout;

    public TransientRetryHandler(RetryOptions options, TimeProvider clock, HttpMessageHandler? inner = null)
    {
        if (inner is not null)
            InnerHandler = inner;
        _attemptTimeout = options.AttemptTimeout;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    if (options.Notice is { } notice && args.Context.Properties.TryGetValue(RequestKey, out var request))
                        notice($"{request.Method} {request.RequestUri}: {Reason(args.Outcome)}; retry {args.AttemptNumber + 1} of {options.MaxRetries} in {args.RetryDelay.TotalSeconds:0.#}s");
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => (int)response.StatusCode >= 500,
        { Exception: HttpRequestException e } => IsTransient(e),
        { Exception: TimeoutException } => true,
        _ => false,
    };

    public static bool IsTransient(HttpRequestException e) =>
        e.HttpRequestError is not (HttpRequestError.SecureConnectionError or HttpRequestError.InvalidResponse
            or HttpRequestError.ExtendedConnectNotSupported or HttpRequestError.VersionNegotiationError)
        && e.InnerException is not AuthenticationException
        && e.StatusCode is null or >= HttpStatusCode.InternalServerError;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(async (ctx, _) =>
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
                // Real time, not the clock: an answer takes real time however fast a test's clock runs.
                attempt.CancelAfter(_attemptTimeout);
                try
                {
                    return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!ctx.CancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer within {_attemptTimeout.TotalSeconds:0.#}s", e);
                }
            }, context, 0).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string Reason(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => $"HTTP {(int)response.StatusCode} {WorkflowTransport.StatusText((int)response.StatusCode)}",
        { Exception: TimeoutException e } => e.Message,
        { Exception: HttpRequestException { InnerException: System.Net.Sockets.SocketException socket } } => socket.SocketErrorCode switch
        {
            System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
            System.Net.Sockets.SocketError.ConnectionReset => "connection reset",
            System.Net.Sockets.SocketError.HostNotFound => "host not found",
            _ => socket.Message,
        },
        { Exception: { } e } => e.Message.ReplaceLineEndings(" "),
        _ => "failed",
    };
}
