using System.Runtime.CompilerServices;
using Argo.Workflows.Client;

namespace KataArgo.Submitter;

/// <summary>Waiting times of the watch; tests shorten them through the clock.</summary>
public sealed record WatchOptions
{
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Failed connections in a row after which the watch polls instead.</summary>
    public int StreamFailuresBeforePolling { get; init; } = 3;

    public static WatchOptions Default { get; } = new();
}

/// <summary>
/// Follows one workflow until it finishes: the transport's watch stream, reconnected when it
/// drops (with backoff), and polling the workflow when the stream keeps failing. Every state is
/// yielded; the last one is finished.
/// </summary>
public sealed class WorkflowWatcher(WorkflowTransport transport, TimeProvider clock, WatchOptions? options = null)
{
    private readonly WatchOptions _options = options ?? WatchOptions.Default;

    /// <summary>Told when the watch reconnects or falls back to polling (for stderr).</summary>
    public Action<string>? Notice { get; init; }

    public static bool IsFinished(Workflow workflow) => workflow.Status?.Phase is "Succeeded" or "Failed" or "Error";

    /// <param name="current">The run as the caller already read it: yielded first, before the stream is opened, so a stream slow to answer never holds it back.</param>
    public async IAsyncEnumerable<Workflow> WatchAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken, Workflow? current = null)
    {
        if (current is not null)
        {
            yield return current;
            if (IsFinished(current))
                yield break;
        }
        var failures = 0;
        while (failures < _options.StreamFailuresBeforePolling)
        {
            var received = false;
            Exception? failure = null;
            await using (var events = transport.StreamAsync(name, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (true)
                {
                    Workflow workflow;
                    try
                    {
                        if (!await events.MoveNextAsync().ConfigureAwait(false))
                            break;
                        workflow = events.Current;
                    }
                    catch (Exception e) when (IsStreamFailure(e, cancellationToken))
                    {
                        failure = e;
                        break;
                    }
                    received = true;
                    failures = 0;
                    yield return workflow;
                    if (IsFinished(workflow))
                        yield break;
                }
            }
            // A stream that ends before sending anything counts as a failure, so a server that
            // closes at once cannot keep us reconnecting in a tight loop.
            if (failure is null && received)
            {
                // The server ended the watch (its timeout): reconnect after a pause.
                await Task.Delay(_options.ReconnectDelay, clock, cancellationToken).ConfigureAwait(false);
                continue;
            }
            failures++;
            var what = failure is null ? $"the event stream of {name} ended without an event" : $"the event stream of {name} failed ({failure.Message})";
            var polling = $"polling every {_options.PollInterval.TotalSeconds:0}s instead";
            // Said before the look below, which may itself wait on retries: the user learns at once what failed.
            var delay = Backoff(failures);
            var retries = _options.StreamFailuresBeforePolling - 1;
            Notice?.Invoke(failures <= retries ? $"{what}; retry {failures} of {retries} in {delay.TotalSeconds:0.#}s" : $"{what}; {polling}");
            // Between connections, look once: a run that finished meanwhile ends the watch now.
            var latest = await transport.GetWorkflowAsync(name, cancellationToken).ConfigureAwait(false);
            yield return latest;
            if (IsFinished(latest))
                yield break;
            await Task.Delay(failures <= retries ? delay : _options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var workflow = await transport.GetWorkflowAsync(name, cancellationToken).ConfigureAwait(false);
            yield return workflow;
            if (IsFinished(workflow))
                yield break;
            await Task.Delay(_options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(_options.MaxReconnectDelay.Ticks, _options.ReconnectDelay.Ticks * (1L << Math.Min(failures, 10))));

    /// <summary>Failures a new connection may cure; refused credentials and a deleted workflow are not.</summary>
    private static bool IsStreamFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        SubmitterException => false,
        WorkflowStreamException { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } => false,
        _ => true,
    };
}
