using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Snapshot;

namespace Actors.Runtime.Tests.Support;

/// <summary>An in-memory journal that rejects the writes <see cref="RejectWhen"/> picks (as a journal rejects an event it cannot serialize).</summary>
public sealed class RejectingJournal : MemoryJournal
{
    /// <summary>Picks a payload to reject; each rejection clears it, so only the first match is rejected.</summary>
    public static volatile Func<object, bool>? RejectWhen;

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var results = new Exception?[writes.Count];
        var accepted = new List<AtomicWrite>();
        for (var i = 0; i < writes.Count; i++)
        {
            var payloads = ((IImmutableList<IPersistentRepresentation>)writes[i].Payload).Select(p => p.Payload);
            if (RejectWhen is { } reject && payloads.Any(reject))
            {
                RejectWhen = null;
                results[i] = new InvalidOperationException("rejected by the test journal");
            }
            else
            {
                accepted.Add(writes[i]);
            }
        }
        await base.WriteMessagesAsync(accepted, cancellationToken);
        return results.ToImmutableList()!;
    }
}

/// <summary>An in-memory snapshot store whose first <see cref="FailuresLeft"/> saves fail.</summary>
public sealed class FailingSnapshotStore : MemorySnapshotStore
{
    public static int FailuresLeft;
    public static int Attempts;

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attempts);
        if (Interlocked.Decrement(ref FailuresLeft) >= 0) throw new IOException("disk full (test snapshot store)");
        return base.SaveAsync(metadata, snapshot, cancellationToken);
    }
}

/// <summary>
/// An in-memory journal that records every write and holds each one at a gate until the test releases or fails it,
/// as a disk that is slow to fsync; a failed write is lost as a crash in the middle of it would lose it.
/// </summary>
public sealed class GatedJournal : MemoryJournal
{
    private static readonly object Sync = new();
    private static TaskCompletionSource? _gate;

    /// <summary>The payloads of each atomic write, per call of the journal, in arrival order.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentQueue<IReadOnlyList<IReadOnlyList<object>>> Writes = new();

    /// <summary>From now on every write waits until <see cref="Release"/> or <see cref="Fail"/>.</summary>
    public static void Close()
    {
        lock (Sync) _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Lets the writes waiting now through; later ones wait at a new gate.</summary>
    public static void Release() => Swap(g => g.TrySetResult());

    /// <summary>Fails the writes waiting now; later ones wait at a new gate.</summary>
    public static void Fail() => Swap(g => g.TrySetException(new IOException("the disk went away (test journal)")));

    /// <summary>No gate: writes go through at once.</summary>
    public static void Open()
    {
        lock (Sync)
        {
            _gate?.TrySetResult();
            _gate = null;
        }
        Writes.Clear();
    }

    private static void Swap(Action<TaskCompletionSource> end)
    {
        TaskCompletionSource? old;
        lock (Sync)
        {
            old = _gate;
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        if (old is not null) end(old);
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        Task? gate;
        lock (Sync) gate = _gate?.Task;
        Writes.Enqueue(writes.Select(w => (IReadOnlyList<object>)((IImmutableList<IPersistentRepresentation>)w.Payload).Select(p => p.Payload).ToList()).ToList());
        if (gate is not null) await gate;
        return await base.WriteMessagesAsync(writes, cancellationToken);
    }
}
