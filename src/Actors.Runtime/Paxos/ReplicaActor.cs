using Actors.Core.Log;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Replica"/>. Recovers the latest saved state, applies chosen values in slot order, hands
/// applied commands to the key-value entry point, and saves the state in its journal in pieces of
/// <c>actors.paxos.snapshot-chunk-bytes</c> (<see cref="StatePieces"/>), so no record has to hold all of it; once a
/// save is written whole, the journal before it is deleted. Messages pass a <see cref="PaxosGuard"/> before they reach
/// the core, which also sends and receives snapshots in pieces (<see cref="PaxosConfig.SnapshotChunkBytes"/>).
/// </summary>
public sealed class ReplicaActor : ReceivePersistentActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly LogRules _rules;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    /// <summary>The saves of the state, one at a time (<see cref="SnapshotSaves"/>).</summary>
    private readonly SnapshotSaves _saves = new();
    private readonly List<IActorRef> _subscribers = new();

    /// <summary>The log time last told to the subscribers.</summary>
    private long _publishedLogTime = -1;
    /// <summary>The key-value entry point: it asks for linearizable reads, and only it gets their answers.</summary>
    private readonly IActorRef _readers;
    private Core.Ring.RingState? _publishedRing;
    private StateSnapshot? _recovered;
    /// <summary>The saved state as recovery finds it; dropped once recovered, so its bytes are not held for good.</summary>
    private StatePieceAssembler? _savedPieces = new();
    private readonly PaxosGuard _guard;
    private Replica _core = null!;

    public ReplicaActor(PaxosTransport transport, LogRules rules, IActorRef appliedListener)
    {
        _transport = transport;
        _rules = rules;
        _subscribers.Add(appliedListener);
        _readers = appliedListener;
        PersistenceId = $"paxos-replica-{transport.Settings.Self}";
        _guard = new PaxosGuard(transport, _log, "replica");

        // A version that saved the state as one snapshot record left it in the snapshot store, and a marker event.
        Recover<SnapshotOffer>(offer => _recovered = offer.Snapshot as StateSnapshot);
        Recover<ReplicaSnapshotMarker>(_ => { });
        Recover<StatePiece>(p => _savedPieces?.Offer(p));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_savedPieces?.Slot is { } slot && slot > (_recovered?.AppliedThrough ?? -1))
            {
                // Unreadable bytes fail the recovery (and the supervisor tries again): starting empty would hide the loss.
                _recovered = (StateSnapshot)Context.System.Serialization.Deserialize(_savedPieces.Assemble()!, Serialization.PaxosSerializer.Id, "log.snapshot");
            }
            _savedPieces = null;
            _core = new Replica(_transport.Settings.Core, _transport.Settings.Self, _rules, _recovered, Random.Shared.NextInt64(long.MinValue, long.MaxValue));
            _log.Info("replica {0} recovered through slot {1} ({2} keys)", _core.Self, _core.NextToApply - 1, _core.State.Kv.Count);
            _recovered = null;
            _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
            _publishedLogTime = _core.State.LogTime;
            foreach (var s in _subscribers) s.Tell(new AppliedBatch([], _publishedLogTime));
        });

        Command<RetrySnapshot>(_ =>
        {
            if (_saves.Retry() is { } retry) StartSave(retry);
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<GetReplicaStatus>(_ => Sender.Tell(new ReplicaStatus(
            _core.NextToApply - 1, _core.KnownCommit, _core.LastSnapshot.AppliedThrough, _core.State.Kv.Count, _core.State.SessionCount, _core.ReadsHeld,
            _core.State.Bytes, _rules.MaxStateBytes, _core.State.DataBytes, _core.HaltedAt)));
        Command<SubscribeApplied>(s =>
        {
            if (_subscribers.Contains(s.Subscriber)) return;
            _subscribers.Add(s.Subscriber);
            Context.Watch(s.Subscriber);
        });
        Command<UnsubscribeApplied>(s => _subscribers.Remove(s.Subscriber));
        Command<Ring.GetRing>(_ => Sender.Tell(new Ring.RingChanged(_core.State.Ring)));
        Command<QueryLocal>(q =>
        {
            object answer;
            try
            {
                answer = _core.State.AppliedThrough < q.MinApplied
                    ? new Status.Failure(new ReplicaBehindException(_core.State.AppliedThrough, q.MinApplied))
                    : new QueryAnswer(q.Query(_core.State));
            }
            catch (Exception e)
            {
                answer = new Status.Failure(e);
            }
            Sender.Tell(answer);
        });
        Command<Terminated>(t => _subscribers.Remove(t.ActorRef));
#if ACTORS_FAILPOINTS
        Command<PeekLocal>(p => Sender.Tell(_core.State.Kv.Peek(p.Key) is { } v
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

    /// <summary>Back-off before a save the journal refused is made again.</summary>
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
        Timers.StartPeriodicTimer("tick", _transport.Local(Tick.Instance), _transport.Settings.TickInterval);
    }

    private void Admit(object message)
    {
        switch (_guard.Admit(message, Sender))
        {
            case null:
                return;
            case Tick t:
                Handle(t);
                // Keeps a restarted proposer informed of how far this node has applied.
                _transport.Send(new Outbound(_core.Self, PaxosRole.Proposer, new AppliedThrough(_core.NextToApply - 1)));
                return;
            case var m:
                Handle(m);
                return;
        }
    }

    private void Handle(IPaxosMessage message)
    {
        var fx = _core.Step(message);
        foreach (var e in fx.Errors) _log.Error(e);
        if (fx.Installed is { } installed)
            _log.Info("replica: installing the snapshot through slot {0} from node {1} ({2} bytes)", installed.Slot, installed.From, installed.Bytes);
        if (fx.Applied.Count > 0 || _core.State.LogTime != _publishedLogTime)
        {
            _publishedLogTime = _core.State.LogTime;
            var batch = new AppliedBatch(fx.Applied, _publishedLogTime);
            foreach (var s in _subscribers) s.Tell(batch);
        }
        if (fx.Reads.Count > 0) _readers.Tell(new ReadsAnswered(fx.Reads));
        // On the event stream, so a listener hears every change, also after this replica restarts and forgets its subscribers.
        if (!ReferenceEquals(_core.State.Ring, _publishedRing))
        {
            _publishedRing = _core.State.Ring;
            Context.System.EventStream.Publish(new Ring.RingChanged(_publishedRing));
        }
        foreach (var o in fx.Send) _transport.Send(o);
        if (fx.SaveSnapshot is { } snap)
        {
            if (_saves.Offer(snap) is { } start) StartSave(start);
        }
    }

    private void StartSave(StateSnapshot snap)
    {
        var bytes = Context.System.Serialization.FindSerializerFor(snap).ToBinary(snap);
        Write(new Save(snap, StatePieces.Cut(snap.AppliedThrough, bytes, _transport.Settings.SnapshotChunkBytes)), 0);
    }

    /// <summary>A save under way: its pieces, and the sequence number of the first once written.</summary>
    private sealed class Save(StateSnapshot snap, IReadOnlyList<StatePiece> pieces)
    {
        public StateSnapshot Snap { get; } = snap;
        public IReadOnlyList<StatePiece> Pieces { get; } = pieces;
        public long First { get; set; }
    }

    /// <summary>Pieces per journal write: each write holds the journal (which the acceptor shares) only briefly.</summary>
    private const int PiecesPerWrite = 4;

    /// <summary>
    /// Writes the pieces from <paramref name="from"/> on, a few per write and one write after another, without stashing:
    /// the replica goes on applying meanwhile.
    /// </summary>
    private void Write(Save save, int from)
    {
        PersistAllAsync(save.Pieces.Skip(from).Take(PiecesPerWrite), p =>
        {
            if (p.Offset == 0) save.First = LastSequenceNr;
        });
        // Runs once these pieces are written or refused (a journal failure stops the actor instead).
        DeferAsync(from, _ =>
        {
            var next = from + PiecesPerWrite;
            if (_saves.Continue && next < save.Pieces.Count) Write(save, next);
            else Saved(save.First);
        });
    }

    private void Saved(long first)
    {
        var (snap, whole, next) = _saves.End(first);
        if (!whole)
        {
            // Compaction waits for this save: make it again rather than stop compacting for good.
            _log.Warning("replica: the journal refused part of the state through slot {0}; saving again in {1}", snap.AppliedThrough, SnapshotRetry);
            Timers.StartSingleTimer("snapshot-retry", RetrySnapshot.Instance, SnapshotRetry);
            return;
        }
        // Whole now: the saves and markers before it, and a snapshot record an earlier version saved, can go.
        if (first > 1) DeleteMessages(first - 1);
        DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
        Handle(new SnapshotSaved(snap.AppliedThrough));
        if (next is not null) StartSave(next);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        if (@event is StatePiece p)
        {
            _log.Warning(cause, "replica: the journal refused the piece at {0} of the state through slot {1}", p.Offset, p.Slot);
            _saves.PieceRefused();
            return;
        }
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}
