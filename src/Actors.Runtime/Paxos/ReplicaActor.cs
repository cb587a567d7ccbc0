using Actors.Core.Log;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Replica"/>. Recovers the latest key-value snapshot, applies chosen values in slot
/// order, hands applied commands to the key-value entry point, and saves snapshots (a marker event first, so
/// every snapshot has its own sequence number).
/// </summary>
public sealed class ReplicaActor : ReceivePersistentActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly LogRules _rules;
    private readonly IActorRef _appliedListener;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private StateSnapshot? _saving;
    private StateSnapshot? _nextToSave;
    private StateSnapshot? _recovered;
    private Replica _core = null!;

    public ReplicaActor(PaxosTransport transport, LogRules rules, IActorRef appliedListener)
    {
        _transport = transport;
        _rules = rules;
        _appliedListener = appliedListener;
        PersistenceId = $"paxos-replica-{transport.Settings.Self}";

        Recover<SnapshotOffer>(offer => _recovered = offer.Snapshot as StateSnapshot);
        Recover<AppliedThrough>(_ => { });
        Recover<RecoveryCompleted>(_ =>
        {
            _core = new Replica(_transport.Settings.Core, _transport.Settings.Self, _rules, _recovered);
            _log.Info("replica {0} recovered through slot {1} ({2} keys)", _core.Self, _core.NextToApply - 1, _core.State.Kv.Count);
            _recovered = null;
            _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
        });

        Command<SaveSnapshotSuccess>(ok =>
        {
            if (_saving is not { } saved) return;
            _saving = null;
            DeleteMessages(ok.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1));
            Handle(new SnapshotSaved(saved.AppliedThrough));
            SaveNext();
        });
        Command<SaveSnapshotFailure>(f =>
        {
            if (_saving is not { } failed) return;
            if (_nextToSave is not null)
            {
                _log.Warning(f.Cause, "replica snapshot through slot {0} failed; saving the newer one instead", failed.AppliedThrough);
                _saving = null;
                SaveNext();
                return;
            }
            // Compaction waits for this snapshot: try again rather than stop compacting for good.
            _log.Warning(f.Cause, "replica snapshot through slot {0} failed; retrying in {1}", failed.AppliedThrough, SnapshotRetry);
            Timers.StartSingleTimer("snapshot-retry", RetrySnapshot.Instance, SnapshotRetry);
        });
        Command<RetrySnapshot>(_ =>
        {
            if (_saving is { } snap) SaveSnapshot(snap);
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<GetReplicaStatus>(_ => Sender.Tell(new ReplicaStatus(
            _core.NextToApply - 1, _core.KnownCommit, _core.LastSnapshot.AppliedThrough, _core.State.Kv.Count, _core.State.SessionCount)));
        Command<Tick>(t =>
        {
            Handle(t);
            // Keeps a restarted proposer informed of how far this node has applied.
            _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
        });
#if ACTORS_FAILPOINTS
        Command<PeekLocal>(p => Sender.Tell(_core.State.Kv.Peek(p.Key) is { } v
            ? new Contracts.Kv.KvReply(Contracts.Kv.KvReplyStatus.Ok, v)
            : new Contracts.Kv.KvReply(Contracts.Kv.KvReplyStatus.NotFound)));
#endif
        Command<IPaxosMessage>(Handle);
    }

#if ACTORS_FAILPOINTS
    /// <summary>Failpoint: reads a key from this replica's state, bypassing the log.</summary>
    public sealed record PeekLocal(string Key);
#endif

    public override string PersistenceId { get; }

    /// <summary>Back-off before a failed snapshot save is tried again.</summary>
    public static readonly TimeSpan SnapshotRetry = TimeSpan.FromSeconds(1);

    private sealed record RetrySnapshot
    {
        public static readonly RetrySnapshot Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport, LogRules rules, IActorRef appliedListener) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(transport, rules, appliedListener));

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", Tick.Instance, _transport.Settings.TickInterval);
    }

    private void Handle(IPaxosMessage message)
    {
        var fx = _core.Step(message);
        if (fx.Applied.Count > 0) _appliedListener.Tell(new AppliedBatch(fx.Applied));
        _transport.Send(fx.Send);
        if (fx.SaveSnapshot is { } snap)
        {
            // One save at a time; a newer snapshot waiting replaces an older one that waits.
            _nextToSave = snap;
            if (_saving is null) SaveNext();
        }
    }

    private void SaveNext()
    {
        if (_nextToSave is not { } snap) return;
        _nextToSave = null;
        _saving = snap;
        Persist(new AppliedThrough(snap.AppliedThrough), _ => SaveSnapshot(snap));
    }
}
