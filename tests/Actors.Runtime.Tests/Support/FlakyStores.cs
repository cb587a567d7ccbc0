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
