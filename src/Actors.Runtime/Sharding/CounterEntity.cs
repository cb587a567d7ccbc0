using Actors.Contracts.Counter;
using Actors.Core.Counter;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Actors.Runtime.Sharding;

/// <summary>
/// The built-in <c>counter</c> entity: a persistent counter on the log-backed journal, so it keeps its value when its
/// shard moves to another node. An add is persisted, then answered; a retried request id is answered with the value and
/// Applied = false. A refused write stops the entity, so that the next message recovers it from the journal. Once
/// recovered it persists a <see cref="CounterClaimed"/> before it answers, which fences off any older incarnation.
/// </summary>
public sealed class CounterEntity : ReceivePersistentActor
{
    /// <summary>The entity type's name (its shard region is <c>/system/sharding/counter</c>).</summary>
    public const string TypeName = "counter";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ShardingSettings _settings;
    private readonly string _id;
    private CounterState _state;
    private int _sinceSnapshot;

    public CounterEntity(string id, ShardingSettings settings)
    {
        _id = id;
        _settings = settings;
        _state = CounterState.Empty(settings.RememberedRequests, (long)settings.RememberedFor.TotalMilliseconds);
        PersistenceId = TypeName + "-" + id;
        JournalPluginId = "actors.persistence.journal";
        SnapshotPluginId = "actors.persistence.snapshot-store";

        // Events since the snapshot count toward the next one, claims too, so a counter that is mostly read (each
        // activation claims) still snapshots and deletes its events.
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is CounterSnapshot s)
                _state = CounterState.Restore(s.Value, s.Recent(), _settings.RememberedRequests, (long)_settings.RememberedFor.TotalMilliseconds);
            _sinceSnapshot = 0;
        });
        Recover<CounterAdded>(e =>
        {
            _state = _state.Replay(e.RequestId, e.Delta, e.At);
            _sinceSnapshot++;
        });
        Recover<CounterClaimed>(_ => _sinceSnapshot++);
        // Before answering anything, this incarnation becomes its stream's writer (commands wait for the claim): an older
        // incarnation still running elsewhere is refused from now on, instead of adding what this one would not see.
        // A claim refused means another incarnation wrote since this one recovered: it stops and recovers again.
        Recover<RecoveryCompleted>(_ => Persist(CounterClaimed.Instance, _ => Counted()));

        Command<CounterGet>(_ => Sender.Tell(new CounterReply(_id, _state.Value)));
        // The shard hands off: a command, so it waits for an add being persisted to be stored and answered.
        Command<EntityStop>(_ => Context.Stop(Self));
        Command<CounterAdd>(add =>
        {
            var seen = _state.Seen(add.RequestId);
#if ACTORS_FAILPOINTS
            if (Failpoints.CounterAppliesRetries) seen = false;
#endif
            if (seen)
            {
                Sender.Tell(new CounterReply(_id, _state.Value, Applied: false));
                return;
            }
            if (_state.Check(add.RequestId, add.Delta) is { } error)
            {
                Sender.Tell(new CounterReply(_id, _state.Value, Applied: false, Error: error));
                return;
            }
            var replyTo = Sender;
            // The event carries a fresh id under the failpoint, so that replay counts it again too.
            var requestId = add.RequestId;
#if ACTORS_FAILPOINTS
            if (Failpoints.CounterAppliesRetries) requestId += "/" + Guid.NewGuid().ToString("N")[..6];
#endif
            Persist(new CounterAdded(requestId, add.Delta, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), e =>
            {
                _state = _state.Replay(e.RequestId, e.Delta, e.At);
                replyTo.Tell(new CounterReply(_id, _state.Value));
                Counted();
            });
        });
        Command<SaveSnapshotSuccess>(ok =>
        {
            // Every replica holds the journal in memory: keep only what recovery needs.
            DeleteMessages(ok.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1));
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "counter {0}: deleting events up to {1} failed", _id, f.ToSequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "counter {0}: snapshot failed; recovery replays more events", _id));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    /// <summary>One more event written: every <c>snapshot-every</c> events, a snapshot (after which the events go).</summary>
    private void Counted()
    {
        if (++_sinceSnapshot < _settings.SnapshotEvery) return;
        _sinceSnapshot = 0;
        SaveSnapshot(new CounterSnapshot(_state.Value, [.. _state.Recent.Select(r => r.Id)], [.. _state.Recent.Select(r => r.At)]));
    }

    public static Props Props(string id, ShardingSettings settings) => Akka.Actor.Props.Create(() => new CounterEntity(id, settings));

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Warning("counter {0}: write of event {1} refused ({2}); stopping to recover from the journal", _id, sequenceNr, cause.Message);
        Context.Stop(Self);
    }
}
