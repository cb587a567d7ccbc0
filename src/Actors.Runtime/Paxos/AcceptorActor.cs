using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Durable shell around <see cref="Acceptor"/>. Promises and accepted values are persisted to the journal
/// (Akka.Persistence.Sql) before the reply that depends on them is sent; a restarted acceptor is rebuilt from
/// its journal and snapshot only. Writes are grouped (<see cref="GroupCommit"/>): the events of every message that
/// waited in the mailbox go to the journal in one <c>PersistAllAsync</c> (one transaction, one fsync), and their replies
/// leave once it is durable. After compaction the acceptor saves a snapshot and deletes the journal below it. Messages
/// pass a <see cref="PaxosGuard"/> before they reach the core.
/// </summary>
public sealed class AcceptorActor : ReceivePersistentActor
#if ACTORS_FAILPOINTS
    , IWithTimers
#endif
{
    private readonly PaxosTransport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Acceptor _core;
    private readonly PaxosGuard _guard;
    private readonly GroupCommit _group = new();

    /// <summary>Sent to itself behind the messages waiting in the mailbox: the open group is complete.</summary>
    private sealed record FlushGroup
    {
        public static readonly FlushGroup Instance = new();
    }
#if ACTORS_FAILPOINTS
    private readonly Queue<(DateTime Due, List<IAcceptorEvent> Events)> _unpersisted = new();

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record PersistDue
    {
        public static readonly PersistDue Instance = new();
    }
#endif

    public AcceptorActor(PaxosTransport transport)
    {
        _transport = transport;
        _core = new Acceptor(transport.Settings.Self, transport.Settings.Core.MaxBatchBytes);
        _guard = new PaxosGuard(transport, _log, "acceptor");
        PersistenceId = $"paxos-acceptor-{transport.Settings.Self}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is AcceptorSnapshot s) _core.Apply(s);
        });
        Recover<IAcceptorEvent>(e => _core.Apply(e));
        Recover<RecoveryCompleted>(_ =>
            _log.Info("acceptor {0} recovered: promised {1}, {2} accepted slots, compacted through {3}",
                _core.Self, _core.Promised, _core.AcceptedSlots.Count, _core.CompactedThrough));

        Command<SaveSnapshotSuccess>(ok =>
        {
            DeleteMessages(ok.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(ok.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "acceptor snapshot failed; the journal is kept"));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "acceptor journal truncation failed"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
#if ACTORS_FAILPOINTS
        // Batches reach the journal in the order the core produced them, each once its delay has passed.
        Command<PersistDue>(_ =>
        {
            while (_unpersisted.TryPeek(out var next) && next.Due <= DateTime.UtcNow)
                PersistAllAsync(_unpersisted.Dequeue().Events, _ => { });
        });
#endif
        Command<FlushGroup>(_ => Flush());
        Command<LocalDelivery>(Admit);
        Command<IPaxosMessage>(Admit);
    }

    public override string PersistenceId { get; }

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new AcceptorActor(transport));

    /// <summary>
    /// The journal refused an event: the core already applied it, so memory is ahead of the journal. Its replies were
    /// never sent; fail so the supervisor restarts this actor from its journal, where only what was written counts.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "acceptor {0}: the journal rejected {1} (sequence number {2}); restarting from the journal",
            _core.Self, @event.GetType().Name, sequenceNr);
        throw new AcceptorJournalException($"the journal rejected {@event.GetType().Name} at sequence number {sequenceNr}", cause);
    }

    private void Admit(object message)
    {
        if (_guard.Admit(message, Sender) is { } m) Handle(m);
    }

    private void Handle(IPaxosMessage message)
    {
        var fx = _core.Step(message);
        foreach (var e in fx.Errors) _log.Error(e);

#if ACTORS_FAILPOINTS
        if (Failpoints.AcceptorRepliesBeforePersisting && fx.Persist.Count > 0)
        {
            // The reply leaves now and the events reach the journal only a while later, so a crash of a majority
            // in between loses promises and accepted values that proposers already counted.
            _transport.Send(fx.Send);
            _unpersisted.Enqueue((DateTime.UtcNow + Failpoints.AcceptorPersistDelay, fx.Persist.ToList()));
            if (!Timers.IsTimerActive("failpoint-persist"))
                Timers.StartPeriodicTimer("failpoint-persist", PersistDue.Instance, TimeSpan.FromMilliseconds(20));
            return;
        }
#endif
        Schedule(_group.Add(fx));
    }

    private void Schedule((IReadOnlyList<Outbound> SendNow, bool ScheduleFlush) next)
    {
        _transport.Send(next.SendNow);
        if (next.ScheduleFlush) Self.Tell(FlushGroup.Instance);
    }

    private void Flush()
    {
        var (write, sendNow) = _group.OnFlush();
        _transport.Send(sendNow);
        if (write.Count == 0) return;
        var remaining = write.Count;
        var compacted = write.Any(e => e is CompactedThrough);
        // One AtomicWrite for the whole group. A failed write stops this actor (its supervisor starts it again from the
        // journal) and a rejected one restarts it: either way nothing of the group was answered.
        PersistAllAsync(write, _ =>
        {
            if (--remaining > 0) return;
            if (compacted) SaveSnapshot(_core.Snapshot());
            Schedule(_group.OnWritten());
        });
    }
}

/// <summary>The acceptor's journal refused a write; the acceptor restarts from what its journal holds.</summary>
public sealed class AcceptorJournalException(string message, Exception inner) : Exception(message, inner);
