using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Log;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Actors.Runtime.Persistence;

/// <summary>
/// An Akka.Persistence journal whose events are log commands (<see cref="JournalAppend"/>, <see cref="JournalDelete"/>), so
/// every node holds every persistent actor's events and an actor recovers on whichever node it lands: what a sharded entity
/// needs when its shard moves and every node has its own SQLite file. A replay first takes a read barrier, so it sees every
/// event acknowledged before it began. An append whose first sequence number is not above the highest written is refused
/// (a second incarnation of the same actor writing) and fails the write, so that the writer stops; a payload that cannot be
/// serialized or is over the size limit is rejected. Configure it as
/// <c>actors.persistence.journal</c> (hocon/actors.conf); it needs the node's actors (<c>/user/log</c>, the replica) running.
/// Event adapters' manifests and tags are not kept.
/// </summary>
public sealed class LogJournal : AsyncWriteJournal
{
    private readonly LogStoreClient _log;

    public LogJournal(Config config) => _log = new LogStoreClient(Context.System, config);

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.Select(Append).ToList();
        var results = new Exception?[writes.Count];
        for (var i = 0; i < writes.Count; i++) results[i] = writes[i].Error;
        // The appends of one persistence id go one after another, so that a late copy of one never lands after the next
        // (it would find the next's higher sequence number and pass for a copy); different ids go in parallel.
        var streams = Enumerable.Range(0, writes.Count)
            .Where(i => writes[i].Append is not null)
            .GroupBy(i => writes[i].Append!.PersistenceId)
            .Select(async ids =>
            {
                // Refused by the log (another incarnation of the actor writes this stream), SubmitAsync throws: not a
                // rejection, after which the actor would carry on with its numbers and interleave with the other; the write
                // fails, and so the actor stops.
                foreach (var i in ids) await _log.SubmitAsync(writes[i].Append!);
            });
        await Task.WhenAll(streams);
        return results.ToImmutableList();
    }

    private (JournalAppend? Append, Exception? Error) Append(AtomicWrite write)
    {
        try
        {
            var events = ((IImmutableList<IPersistentRepresentation>)write.Payload).Select(p =>
            {
                var payload = p.Payload is Tagged tagged ? tagged.Payload : p.Payload;
                var (id, manifest, bytes) = _log.Serialize(payload);
                return new JournalEvent(p.SequenceNr, id, manifest, bytes, p.WriterGuid ?? "");
            }).ToImmutableArray();
            var append = new JournalAppend(write.PersistenceId, events);
            return _log.Refuse(append) is { } error ? (null, new ArgumentException(error)) : (append, null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) =>
        _log.SubmitAsync(new JournalDelete(persistenceId, toSequenceNr));

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr,
        long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        // Akka reads the highest sequence number (with a barrier) right before a replay, so that barrier serves both.
        var events = await _log.ReadAsync(s => s.Journal.Events(persistenceId, fromSequenceNr, toSequenceNr, max), fresh: false);
        foreach (var e in events)
        {
            var payload = _log.Deserialize(e.Payload, e.SerializerId, e.Manifest);
            recoveryCallback(new Persistent(payload, e.SequenceNr, persistenceId, "", false, ActorRefs.NoSender, e.WriterUuid));
        }
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        _log.ReadAsync(s => s.Journal.HighestSequenceNr(persistenceId));
}
