using System.Collections.Immutable;
using System.Text;

namespace Actors.Core.Counter;

/// <summary>
/// A counter's state: its value and the ids of the adds applied recently, so that a retried add is recognised and applied
/// once. An id is remembered while it is among the last <see cref="Remembered"/>; beyond the last <see cref="AlwaysKept"/>
/// it is also forgotten once it is more than <see cref="MaxAge"/> older than the newest add. Both bounds hold for the
/// snapshot too. Times are those the adds carry (stamped when the add was persisted), never a clock read here, so a
/// replay of the same events gives the same state on any node; the last ids are kept whatever the times say, so that a
/// node whose clock runs ahead cannot make the counter forget the add a client is retrying right after a failover.
/// Immutable; <see cref="Apply"/> returns the next state.
/// </summary>
public sealed class CounterState
{
    /// <summary>Longest request id accepted, in UTF-8 bytes (each is kept in the counter's events and snapshot).</summary>
    public const int MaxRequestIdBytes = 256;

    /// <summary>The most recent ids are remembered whatever their age (up to <see cref="Remembered"/>).</summary>
    public const int AlwaysKept = 64;

    private readonly ImmutableQueue<(string Id, long At)> _order;
    private readonly ImmutableHashSet<string> _seen;

    private CounterState(long value, ImmutableQueue<(string, long)> order, ImmutableHashSet<string> seen, int remembered, long maxAge, long newest)
    {
        Value = value;
        _order = order;
        _seen = seen;
        Remembered = remembered;
        MaxAge = maxAge;
        Newest = newest;
    }

    /// <summary>A counter at 0 that remembers the last <paramref name="remembered"/> request ids for <paramref name="maxAge"/> (ms).</summary>
    public static CounterState Empty(int remembered, long maxAge = long.MaxValue) =>
        new(0, ImmutableQueue<(string, long)>.Empty, ImmutableHashSet.Create<string>(StringComparer.Ordinal), Math.Max(1, remembered),
            Math.Max(0, maxAge), long.MinValue);

    /// <summary>A counter restored from a snapshot: its value and the ids it remembered, oldest first, with their times.</summary>
    public static CounterState Restore(long value, IEnumerable<(string Id, long At)> recent, int remembered, long maxAge = long.MaxValue) =>
        recent.Aggregate(Empty(remembered, maxAge), (state, r) => state.Remember(r.Id, r.At)).WithValue(value);

    public long Value { get; }

    /// <summary>Request ids remembered now.</summary>
    public int Count => _seen.Count;

    /// <summary>The most request ids remembered.</summary>
    public int Remembered { get; }

    /// <summary>How much older than the newest add (ms) a remembered id may be.</summary>
    public long MaxAge { get; }

    /// <summary>The time of the newest add applied (long.MinValue: none).</summary>
    public long Newest { get; }

    /// <summary>The request ids remembered with their times, oldest first.</summary>
    public IEnumerable<(string Id, long At)> Recent => _order;

    /// <summary>True when the add <paramref name="requestId"/> was applied (and is still remembered).</summary>
    public bool Seen(string requestId) => _seen.Contains(requestId);

    /// <summary>Why an add is refused, or null. Overflow is refused rather than wrapped.</summary>
    public string? Check(string requestId, long delta)
    {
        if (string.IsNullOrEmpty(requestId)) return "counter: the request id is empty";
        if (Encoding.UTF8.GetByteCount(requestId) > MaxRequestIdBytes)
            return $"counter: the request id is longer than {MaxRequestIdBytes} bytes";
        if (delta > 0 ? Value > long.MaxValue - delta : Value < long.MinValue - delta)
            return $"counter: adding {delta} to {Value} overflows";
        return null;
    }

    /// <summary>The state after the add <paramref name="requestId"/> of <paramref name="delta"/> at <paramref name="at"/>; a seen id changes nothing.</summary>
    public CounterState Apply(string requestId, long delta, long at = 0) => Seen(requestId) ? this : Replay(requestId, delta, at);

    /// <summary>
    /// The state after a journaled add, applied whatever the state remembers: it was checked when it was written, and
    /// whether its id is still remembered depends on settings that may have changed since.
    /// </summary>
    public CounterState Replay(string requestId, long delta, long at = 0) => Remember(requestId, at).WithValue(unchecked(Value + delta));

    private CounterState WithValue(long value) => new(value, _order, _seen, Remembered, MaxAge, Newest);

    private CounterState Remember(string requestId, long at)
    {
        // Times from several nodes' clocks: the newest never goes back, so ids expire in the order they were added. An id
        // from before times were kept (0) counts from the first time known.
        var newest = Math.Max(Newest, at);
        if (at <= 0 && Newest == long.MinValue) newest = long.MinValue;
        var order = _order;
        var seen = _seen;
        if (!seen.Contains(requestId))
        {
            order = order.Enqueue((requestId, newest));
            seen = seen.Add(requestId);
        }
        // Untimed ids exist only until the first time is known: they take that time, once.
        if (Newest == long.MinValue && newest != long.MinValue)
            order = ImmutableQueue.CreateRange(order.Select(r => r.At == long.MinValue ? (r.Id, newest) : r));
        while (!order.IsEmpty && (seen.Count > Remembered
                                  || (seen.Count > AlwaysKept && newest != long.MinValue && newest - order.Peek().At > MaxAge)))
        {
            order = order.Dequeue(out var oldest);
            seen = seen.Remove(oldest.Id);
        }
        return new CounterState(Value, order, seen, Remembered, MaxAge, newest);
    }
}
