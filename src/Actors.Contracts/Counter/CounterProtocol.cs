using System.Collections.Immutable;
using Actors.Contracts.Sharding;

namespace Actors.Contracts.Counter;

/// <summary>
/// The built-in <c>counter</c> entity type: a persistent counter per id, placed on the ring by cluster sharding. Send its
/// messages to the <c>counter</c> shard region of any node (<c>/system/sharding/counter</c>, also registered with the
/// ClusterClient receptionist); every one is answered with a <see cref="CounterReply"/>.
/// </summary>
public abstract record CounterMessage(string CounterId) : IActorsMessage, IEntityMessage
{
    public string EntityId => CounterId;
}

/// <summary>
/// Adds <see cref="Delta"/> to the counter. <see cref="RequestId"/> identifies the add: a retry with the same id is applied
/// once (the counter remembers the last <c>actors.counter.remembered-requests</c> ids) and answered with
/// <see cref="CounterReply.Applied"/> false.
/// </summary>
public sealed record CounterAdd(string CounterId, long Delta, string RequestId) : CounterMessage(CounterId);

/// <summary>Reads the counter's value (0 for a counter never added to).</summary>
public sealed record CounterGet(string CounterId) : CounterMessage(CounterId);

/// <summary>The counter's value after the request; <see cref="Applied"/> is false for an add seen before; <see cref="Error"/> set when it was refused.</summary>
public sealed record CounterReply(string CounterId, long Value, bool Applied = true, string? Error = null) : IActorsMessage;

/// <summary>
/// The counter's journal event: the add <see cref="RequestId"/> added <see cref="Delta"/>; <see cref="At"/> is when it was
/// persisted (ms since the Unix epoch on the writing node; 0 in events written before it was kept).
/// </summary>
public sealed record CounterAdded(string RequestId, long Delta, long At = 0) : IActorsMessage;

/// <summary>
/// The counter's journal event written once it has recovered, before it answers anything: it makes this incarnation the
/// writer of its stream, so an older incarnation (a paused node whose shard moved meanwhile) can no longer write, even
/// where this one has not added yet and would otherwise answer reads without the older one's add. Changes no state.
/// </summary>
public sealed record CounterClaimed : IActorsMessage
{
    public static readonly CounterClaimed Instance = new();
}

/// <summary>
/// The counter's snapshot: its value and the request ids it remembers, oldest first, with the time each counts from
/// (<see cref="RecentTimes"/>, one per id; empty in snapshots written before times were kept).
/// </summary>
public sealed record CounterSnapshot(long Value, ImmutableArray<string> RecentRequests, ImmutableArray<long> RecentTimes = default) : IActorsMessage
{
    /// <summary>Each remembered id with its time (0 where the snapshot has none).</summary>
    public IEnumerable<(string Id, long At)> Recent() =>
        RecentRequests.Select((id, i) => (id, !RecentTimes.IsDefault && i < RecentTimes.Length ? RecentTimes[i] : 0L));
}
