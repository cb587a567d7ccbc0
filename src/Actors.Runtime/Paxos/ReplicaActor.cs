using Actors.Core.Kv;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Replica"/>. Recovers the latest key-value snapshot, applies chosen values in slot
/// order, hands applied commands to the key-value entry point, and saves snapshots (a marker event first, so
/// every snapshot has its own sequence number). Messages pass a <see cref="PaxosGuard"/> before they reach the core.
/// </summary>
public sealed class ReplicaActor : ReceivePersistentActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly KvLimits _limits;
    private readonly IActorRef _appliedListener;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PaxosGuard _guard;
    private readonly Queue<long> _savingSlots = new();
    private KvSnapshot? _recovered;
    private Replica _core = null!;

    public ReplicaActor(PaxosTransport transport, KvLimits limits, IActorRef appliedListener)
    {
        _transport = transport;
        _limits = limits;
        _appliedListener = appliedListener;
        PersistenceId = $"paxos-replica-{transport.Settings.Self}";
        _guard = new PaxosGuard(transport, _log, "replica");

        Recover<SnapshotOffer>(offer => _recovered = offer.Snapshot as KvSnapshot);
        Recover<ReplicaSnapshotMarker>(_ => { });
        Recover<RecoveryCompleted>(_ =>
        {
            _core = new Replica(_transport.Settings.Core, _transport.Settings.Self, _limits, _recovered);
            _log.Info("replica {0} recovered through slot {1} ({2} keys)", _core.Self, _core.NextToApply - 1, _core.Machine.Count);
            _recovered = null;
            _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
        });

        Command<SaveSnapshotSuccess>(ok =>
        {
            if (_savingSlots.Count == 0) return;
            var slot = _savingSlots.Dequeue();
            DeleteMessages(ok.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1));
            Handle(new SnapshotSaved(slot));
        });
        Command<SaveSnapshotFailure>(f =>
        {
            if (_savingSlots.Count > 0) _savingSlots.Dequeue();
            _log.Warning(f.Cause, "replica snapshot failed; the journal is kept");
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<GetReplicaStatus>(_ => Sender.Tell(new ReplicaStatus(
            _core.NextToApply - 1, _core.KnownCommit, _core.LastSnapshot.AppliedThrough, _core.Machine.Count)));
#if ACTORS_FAILPOINTS
        Command<PeekLocal>(p => Sender.Tell(_core.Machine.Peek(p.Key) is { } v
            ? new Contracts.Kv.KvReply(Contracts.Kv.KvReplyStatus.Ok, v)
            : new Contracts.Kv.KvReply(Contracts.Kv.KvReplyStatus.NotFound)));
#endif
        Command<LocalDelivery>(Admit);
        Command<IPaxosMessage>(Admit);
    }

#if ACTORS_FAILPOINTS
    /// <summary>Failpoint: reads a key from this replica's state, bypassing the log.</summary>
    public sealed record PeekLocal(string Key);
#endif

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport, KvLimits limits, IActorRef appliedListener) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(transport, limits, appliedListener));

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", _transport.Local(Tick.Instance), _transport.Settings.TickInterval);
    }

    private void Admit(object message)
    {
        if (_guard.Admit(message, Sender) is not { } m) return;
        Handle(m);
        // Keeps a restarted proposer informed of how far this node has applied.
        if (m is Tick) _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
    }

    private void Handle(IPaxosMessage message)
    {
        var fx = _core.Step(message);
        if (fx.Applied.Count > 0) _appliedListener.Tell(new AppliedBatch(fx.Applied));
        _transport.Send(fx.Send);
        if (fx.SaveSnapshot is { } snap)
        {
            _savingSlots.Enqueue(snap.AppliedThrough);
            Persist(new ReplicaSnapshotMarker(snap.AppliedThrough), _ => SaveSnapshot(snap));
        }
    }
}
