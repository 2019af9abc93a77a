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
    /// <summary>Until the response headers arrive; a watch stream's body is not bounded by it.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static RetryOptions Default { get; } = new();
}

/// <summary>
/// Retries a request, with exponential backoff and jitter, a bounded number of times, when the
/// failure is transient: a 5xx answer, a refused or reset connection, no answer in time. Never a
/// 4xx answer and never a TLS failure: those will not heal by themselves.
/// </summary>
public sealed class TransientRetryHandler : DelegatingHandler
{
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

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(_attemptTimeout);
            try
            {
                return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!token.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {_attemptTimeout.TotalSeconds:0}s", e);
            }
        }, cancellationToken).AsTask();
}
