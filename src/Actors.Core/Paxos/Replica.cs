using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>
/// The learner/replica role as a deterministic state machine: it learns chosen values, applies them to the
/// key-value state machine strictly in slot order, snapshots every <see cref="PaxosConfig.SnapshotEvery"/>
/// applied slots, and catches up from a peer (chosen values, or its snapshot when they were compacted)
/// when it learns that the log has moved past it. With <see cref="PaxosConfig.SnapshotChunkBytes"/> set, a snapshot
/// travels in pieces the receiver asks for one by one (<see cref="SnapshotSender"/>, <see cref="SnapshotReceiver"/>). It also answers linearizable reads off the log: it asks the leader for a
/// read index (<see cref="PendingReads"/>) and answers each read from its state once it has applied through that index.
/// </summary>
public sealed class Replica
{
    private readonly PaxosConfig _config;
    private readonly LogRules _rules;
    private readonly IReadOnlyList<LogServiceRegistration> _more;
    private readonly int[] _peers;
    private readonly SortedDictionary<long, SlotValue> _log = new();
    private ReplicatedState _state;
    private StateSnapshot _lastSnapshot;
    private long _now;
    private long _catchUpSentAt = long.MinValue;
    private int _catchUpRotation;
    private long _appliedSinceSnapshot;
    private bool _snapshotInProgress;
    private readonly PendingReads _reads;

    /// <summary>Snapshots this replica serves in pieces, and the one it receives so; null when snapshots travel whole.</summary>
    private readonly SnapshotSender? _sender;
    private readonly SnapshotReceiver? _receiver;

    /// <param name="config">Shared Paxos parameters.</param>
    /// <param name="self">This node's id.</param>
    /// <param name="rules">The rules the replicated state applies commands with (equal on every node).</param>
    /// <param name="recovered">The latest durable snapshot of this node, if any.</param>
    /// <param name="readIdStart">Where this incarnation's read-index request ids start: a random 64-bit value drawn
    /// anew for every incarnation (the driver's randomness), so no grant to a request of an earlier incarnation of this
    /// node can answer a read of this one at an index older than the read.</param>
    /// <param name="more">Services of the log beyond the built-in ones (<see cref="ReplicatedState.BuiltIn"/>).</param>
    public Replica(PaxosConfig config, int self, LogRules rules, StateSnapshot? recovered = null, long readIdStart = 0,
        IReadOnlyList<LogServiceRegistration>? more = null)
    {
        _config = config.Validate();
        _rules = rules;
        _more = more ?? [];
        Self = self;
        _peers = _config.Members.Where(m => m != self).ToArray();
        _lastSnapshot = recovered ?? StateSnapshot.Empty;
        _state = new ReplicatedState(rules, _lastSnapshot, _more);
        NextToApply = _lastSnapshot.AppliedThrough + 1;
        _reads = new PendingReads(ReadHoldTicks(_config), readIdStart);
        if (_config.SnapshotChunkBytes > 0)
        {
            _sender = new SnapshotSender(self, _config.SnapshotChunkBytes, fingerprint: _config.Fingerprint);
            _receiver = new SnapshotReceiver(self, _config.RetransmitTicks);
        }
    }

    /// <summary>Ticks a read waits for its read index before it is dropped: ten election timeouts.</summary>
    public static long ReadHoldTicks(PaxosConfig config) => 10L * config.ElectionTimeoutTicks;

    /// <summary>Linearizable reads held (waiting for a read index or for the slots up to it).</summary>
    public int ReadsHeld => _reads.Count;

    public int Self { get; }

    /// <summary>The next slot to apply; every slot below it is applied.</summary>
    public long NextToApply { get; private set; }

    /// <summary>The first slot not known chosen, as the leader last said.</summary>
    public long KnownCommit { get; private set; }

    /// <summary>The leader last heard of, or null.</summary>
    public int? Leader { get; private set; }

    /// <summary>
    /// The slot this replica stopped at because it holds a command this version cannot read (written by a newer version),
    /// or null.
    /// </summary>
    public long? HaltedAt { get; private set; }

    /// <summary>The latest snapshot this replica holds.</summary>
    public StateSnapshot LastSnapshot => _lastSnapshot;

    /// <summary>The replicated state (reads through it are not linearizable).</summary>
    public ReplicatedState State => _state;

    /// <summary>Handles one input.</summary>
    public Effects Step(IPaxosMessage message)
    {
        var fx = new Effects();
        switch (message)
        {
            case Decision d:
                // A decision comes from an acceptor (the leader) at a ballot of its own.
                if (!FromThisLog(d.Fingerprint) || !_config.IsMember(d.From) || d.Ballot.Node != d.From) break;
                Learn(d.Slot, d.Value);
                ApplyReady(fx);
                break;
            case CommitInfo c:
                Leader = c.Leader;
                if (c.FirstUnchosen > KnownCommit) KnownCommit = c.FirstUnchosen;
                MaybeCatchUp(fx);
                break;
            case CatchUpRequest r:
                Serve(r, fx);
                break;
            case CatchUpResponse r:
                if (!FromThisLog(r.Fingerprint)) break;
                OnCatchUp(r, fx);
                break;
            case SnapshotSaved s:
                OnSnapshotSaved(s, fx);
                break;
            case Tick:
                _now++;
                if (_receiver is not null)
                {
                    if (_receiver.Current is { } transfer && transfer.Slot < NextToApply) _receiver.Reset(); // caught up past it
                    if (_receiver.Tick() is { } again && _receiver.Current is { } cur)
                        fx.Send.Add(new Outbound(cur.From, PaxosRole.Replica, again));
                }
                MaybeCatchUp(fx);
                AskForReadIndex(fx);
                break;
            case SnapshotChunk c:
                if (!FromThisLog(c.Fingerprint) || _receiver is null) break;
                OnChunk(c, fx);
                break;
            case SnapshotChunkRequest r:
                if (_sender?.Chunk(r.Slot, r.Offset) is { } piece) fx.Send.Add(new Outbound(r.From, PaxosRole.Replica, piece));
                break;
            case LinearizableRead r:
                _reads.Add(r.Command, _now);
                AskForReadIndex(fx);
                break;
            case ReadIndexGrant g:
                if (_reads.Grant(g.Id, g.Index)) ServeReads(fx);
                AskForReadIndex(fx);
                break;
        }
        return fx;
    }

    /// <summary>
    /// True for a decision or catch-up answer of this log: stamped with this node's acceptor-list fingerprint. Anything else
    /// is dropped, so a node that runs a log of its own (another member list) cannot fill this one's slots.
    /// </summary>
    private bool FromThisLog(ulong fingerprint) => fingerprint == _config.Fingerprint;

    private void Learn(long slot, SlotValue value)
    {
        if (slot < NextToApply) return;
        _log.TryAdd(slot, value);
        if (slot + 1 > KnownCommit) KnownCommit = slot + 1;
    }

    private void ApplyReady(Effects fx)
    {
        var before = NextToApply;
        // Stopped at a slot this version cannot read: its content never changes, so it is not read again.
        while (HaltedAt != NextToApply && _log.TryGetValue(NextToApply, out var value))
        {
            // A slot is applied whole or not at all: one command this version cannot read (written by a newer one) stops
            // the replica here, since applying or refusing it could differ from a replica that knows it.
            string? unknown = null;
            var commands = value.IsNoOp ? [] : _state.DecodeAll(value.Commands, out unknown);
            if (commands is null)
            {
                fx.Errors.Add($"replica {Self} stops at slot {NextToApply}: {unknown}; it applies nothing more until it runs a version that reads it");
                HaltedAt = NextToApply;
                break;
            }
            _state.Advance(NextToApply, value.Stamp);
            foreach (var command in commands)
                fx.Applied.Add(new AppliedCommand(command.Command, _state.Apply(command)));
            NextToApply++;
            _appliedSinceSnapshot++;
        }
        if (NextToApply == before) return;
        ServeReads(fx);

        fx.Send.Add(new Outbound(Self, PaxosRole.Proposer, new AppliedThrough(NextToApply - 1)));
        if (_appliedSinceSnapshot >= _config.SnapshotEvery && !_snapshotInProgress)
        {
            _snapshotInProgress = true;
            _appliedSinceSnapshot = 0;
            fx.SaveSnapshot = _state.Snapshot(NextToApply - 1);
            _lastSnapshot = fx.SaveSnapshot;
        }
        if (NextToApply >= KnownCommit) _catchUpSentAt = long.MinValue;
    }

    private void AskForReadIndex(Effects fx)
    {
        if (_reads.NextRequest(_now, _config.RetransmitTicks) is { } id)
            fx.Send.Add(new Outbound(Self, PaxosRole.Proposer, new ReadIndexRequest(Self, id)));
    }

    /// <summary>Answers the reads whose read index is applied, from the state as it is now (at or past that index).</summary>
    private void ServeReads(Effects fx)
    {
        foreach (var read in _reads.Ready(NextToApply))
            fx.Reads.Add(new AppliedCommand(read, _state.Read(read)));
    }

    private void MaybeCatchUp(Effects fx)
    {
        if (NextToApply >= KnownCommit) return;
        // While a snapshot arrives piece by piece, asking for another catch-up would only start it over.
        if (_receiver?.Current is not null) return;
        if (_catchUpSentAt != long.MinValue && _now - _catchUpSentAt < _config.RetransmitTicks) return;
        var peer = PickPeer();
        if (peer is null) return;
        _catchUpSentAt = _now;
        fx.Send.Add(new Outbound(peer.Value, PaxosRole.Replica, new CatchUpRequest(Self, NextToApply)));
    }

    private int? PickPeer()
    {
        if (Leader is { } leader && leader != Self && _catchUpRotation % 2 == 0)
        {
            _catchUpRotation++;
            return leader;
        }
        if (_peers.Length == 0) return null;
        return _peers[_catchUpRotation++ % _peers.Length];
    }

    private void Serve(CatchUpRequest r, Effects fx)
    {
        StateSnapshot? snapshot = null;
        var from = r.FromSlot;
        if (from <= _lastSnapshot.AppliedThrough && from < FirstHeldSlot())
        {
            snapshot = _lastSnapshot;
            from = _lastSnapshot.AppliedThrough + 1;
        }

        var decisions = ImmutableArray.CreateBuilder<DecidedSlot>();
        long bytes = 0;
        for (var slot = from; decisions.Count < _config.CatchUpBatch && _log.TryGetValue(slot, out var v); slot++)
        {
            bytes += v.EncodedSize();
            if (decisions.Count > 0 && bytes > _config.MaxBatchBytes) break;
            decisions.Add(new DecidedSlot(slot, v));
        }
        if (snapshot is null && decisions.Count == 0) return;
        if (snapshot is not null && _sender is not null)
        {
            // A snapshot may be larger than a message may be: it travels in pieces the receiver asks for one by one. The
            // decisions after it stay here; the receiver asks for them once the snapshot is installed.
            if (!_sender.Holds(snapshot.AppliedThrough)) _sender.Load(snapshot.AppliedThrough, SnapshotFormat.Encode(snapshot));
            if (_sender.Chunk(snapshot.AppliedThrough, 0) is { } first) fx.Send.Add(new Outbound(r.From, PaxosRole.Replica, first));
            return;
        }
        fx.Send.Add(new Outbound(r.From, PaxosRole.Replica, new CatchUpResponse(snapshot, decisions.ToImmutable(), Self, _config.Fingerprint)));
    }

    private long FirstHeldSlot() => _log.Count == 0 ? NextToApply : Math.Min(_log.Keys.First(), NextToApply);

    private void OnCatchUp(CatchUpResponse r, Effects fx)
    {
        var before = NextToApply;
        if (r.Snapshot is { } snap && snap.AppliedThrough >= NextToApply && Restore(snap, r.From, fx) is { } restored)
        {
            _state = restored;
            _lastSnapshot = snap;
            fx.Installed = new SnapshotInstalled(snap.AppliedThrough, r.From, snap.Bytes);
            NextToApply = snap.AppliedThrough + 1;
            HaltedAt = null;
            foreach (var stale in _log.Keys.Where(s => s < NextToApply).ToList()) _log.Remove(stale);
            if (NextToApply > KnownCommit) KnownCommit = NextToApply;
            _appliedSinceSnapshot = 0;
            _snapshotInProgress = true;
            fx.SaveSnapshot = snap;
            fx.Send.Add(new Outbound(Self, PaxosRole.Proposer, new AppliedThrough(NextToApply - 1)));
            ServeReads(fx);
        }
        foreach (var d in r.Decisions) Learn(d.Slot, d.Value);
        ApplyReady(fx);
        // An answer that moved this replica on is followed at once by the next request; one that did not (a replica stopped
        // at a slot it cannot read, a snapshot it refused) waits for the retransmit time, so no two replicas ping-pong.
        if (NextToApply > before) _catchUpSentAt = long.MinValue;
        MaybeCatchUp(fx);
    }

    private void OnChunk(SnapshotChunk chunk, Effects fx)
    {
        if (chunk.Slot < NextToApply) return; // caught up past it already
        var whole = _receiver!.Offer(chunk, out var next);
        if (next is not null) fx.Send.Add(new Outbound(chunk.From, PaxosRole.Replica, next));
        if (whole is null) return;
        StateSnapshot snapshot;
        try
        {
            snapshot = SnapshotFormat.Decode(whole);
        }
        catch (LogFormatException e)
        {
            fx.Errors.Add($"replica {Self}: the snapshot through slot {chunk.Slot} from node {chunk.From} could not be read ({e.Message}); catching up again");
            return;
        }
        OnCatchUp(new CatchUpResponse(snapshot, [], chunk.From, _config.Fingerprint), fx);
    }

    /// <summary>The state <paramref name="snap"/> holds, or null (an error said why) when this version cannot read it.</summary>
    private ReplicatedState? Restore(StateSnapshot snap, int from, Effects fx)
    {
        try
        {
            return new ReplicatedState(_rules, snap, _more);
        }
        catch (LogFormatException e)
        {
            fx.Errors.Add($"replica {Self} refuses the snapshot at slot {snap.AppliedThrough} from node {from}: {e.Message}");
            return null;
        }
    }

    private void OnSnapshotSaved(SnapshotSaved s, Effects fx)
    {
        _snapshotInProgress = false;
        // Keep the chosen values after the snapshot; older ones are covered by it and go.
        foreach (var old in _log.Keys.TakeWhile(k => k <= s.Slot).ToList()) _log.Remove(old);
        fx.Send.Add(new Outbound(Self, PaxosRole.Acceptor, new Compact(s.Slot)));
    }
}
