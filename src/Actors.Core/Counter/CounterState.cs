using System.Collections.Immutable;

namespace Actors.Core.Counter;

/// <summary>
/// A counter's state: its value and the ids of the last adds applied (at most <see cref="Remembered"/>), so that a retried
/// add is recognised and applied once. Immutable; <see cref="Apply"/> returns the next state.
/// </summary>
public sealed class CounterState
{
    private readonly ImmutableQueue<string> _order;
    private readonly ImmutableHashSet<string> _seen;

    private CounterState(long value, ImmutableQueue<string> order, ImmutableHashSet<string> seen, int remembered)
    {
        Value = value;
        _order = order;
        _seen = seen;
        Remembered = remembered;
    }

    /// <summary>A counter at 0 that remembers the last <paramref name="remembered"/> request ids.</summary>
    public static CounterState Empty(int remembered) =>
        new(0, ImmutableQueue<string>.Empty, ImmutableHashSet.Create<string>(StringComparer.Ordinal), Math.Max(1, remembered));

    /// <summary>A counter restored from a snapshot.</summary>
    public static CounterState Restore(long value, IEnumerable<string> recent, int remembered) =>
        recent.Aggregate(Empty(remembered), (state, id) => state.Remember(id)).WithValue(value);

    public long Value { get; }

    /// <summary>Request ids remembered now.</summary>
    public int Count => _seen.Count;

    /// <summary>The most request ids remembered.</summary>
    public int Remembered { get; }

    /// <summary>The request ids remembered, oldest first.</summary>
    public IEnumerable<string> Recent => _order;

    /// <summary>True when the add <paramref name="requestId"/> was applied (and is still remembered).</summary>
    public bool Seen(string requestId) => _seen.Contains(requestId);

    /// <summary>Why an add is refused, or null. Overflow is refused rather than wrapped.</summary>
    public string? Check(string requestId, long delta)
    {
        if (string.IsNullOrEmpty(requestId)) return "counter: the request id is empty";
        if (delta > 0 ? Value > long.MaxValue - delta : Value < long.MinValue - delta)
            return $"counter: adding {delta} to {Value} overflows";
        return null;
    }

    /// <summary>The state after the add <paramref name="requestId"/> of <paramref name="delta"/>; a seen id changes nothing.</summary>
    public CounterState Apply(string requestId, long delta) => Seen(requestId) ? this : Replay(requestId, delta);

    /// <summary>
    /// The state after a journaled add, applied whatever the state remembers: it was checked when it was written, and
    /// whether its id is still remembered depends on a setting that may have changed since.
    /// </summary>
    public CounterState Replay(string requestId, long delta) => Remember(requestId).WithValue(unchecked(Value + delta));

    private CounterState WithValue(long value) => new(value, _order, _seen, Remembered);

    private CounterState Remember(string requestId)
    {
        if (_seen.Contains(requestId)) return this;
        var order = _order.Enqueue(requestId);
        var seen = _seen.Add(requestId);
        while (seen.Count > Remembered)
        {
            order = order.Dequeue(out var oldest);
            seen = seen.Remove(oldest);
        }
        return new CounterState(Value, order, seen, Remembered);
    }
}
