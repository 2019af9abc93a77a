namespace KataArgo.Submitter.Tests.Fakes;

/// <summary>
/// A clock whose waits take a millisecond: every timer fires almost at once and moves the clock
/// forward by the time it was set for. Retry backoff, reconnect pauses and polling stay real
/// code paths without slowing the tests; <see cref="Waits"/> shows what was waited.
/// </summary>
public sealed class FastClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = start;
    private readonly List<TimeSpan> _waits = [];

    public IReadOnlyList<TimeSpan> Waits
    {
        get { lock (_lock) return [.. _waits]; }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public void Set(DateTimeOffset now)
    {
        lock (_lock) _now = now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FastTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _now += by;
            _waits.Add(by);
        }
    }

    private sealed class FastTimer : ITimer
    {
        private readonly ITimer _inner;
        private TimeSpan _due;

        public FastTimer(FastClock clock, TimerCallback callback, object? state) =>
            _inner = System.CreateTimer(s =>
            {
                clock.Advance(_due);
                callback(s);
            }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _due = dueTime;
            static TimeSpan Fast(TimeSpan t) => t == Timeout.InfiniteTimeSpan ? t : TimeSpan.FromMilliseconds(1);
            return _inner.Change(Fast(dueTime), Fast(period));
        }

        public void Dispose() => _inner.Dispose();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
