using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>Marker for every message exchanged by the Paxos roles; binds them to the Paxos serializer.</summary>
public interface IPaxosMessage;

/// <summary>
/// Marker for inputs that a node's roles and driver exchange inside the node (timer ticks, compaction, applied
/// and commit points, snapshot completion, the learner directory). They are never sent over the network: the
/// serializer refuses them and the actor shells accept them only from their own node.
/// </summary>
public interface ILocalPaxosMessage : IPaxosMessage;

/// <summary>The three roles every acceptor node runs; a learner node runs the proposer (as a learner) and the replica.</summary>
public enum PaxosRole
{
    Acceptor = 0,
    Proposer = 1,
    Replica = 2,
}

/// <summary>A message a role wants delivered to role <see cref="Role"/> on node <see cref="To"/>.</summary>
public sealed record Outbound(int To, PaxosRole Role, IPaxosMessage Message);

/// <summary>
/// The value of one log slot: a batch of client commands and the leader's clock when it proposed them
/// (<see cref="Stamp"/>, milliseconds; 0: none). Replicas take log time from the stamps, never from their own clocks.
/// An empty batch is a no-op.
/// </summary>
public sealed record SlotValue(ImmutableArray<LogCommand> Commands, long Stamp = 0)
{
    /// <summary>Fills a gap in the log; applies nothing.</summary>
    public static readonly SlotValue NoOp = new(ImmutableArray<LogCommand>.Empty);

    public bool IsNoOp => Commands.IsDefaultOrEmpty;

    /// <summary>Encoded size of a command (<see cref="Log.EncodedSize"/>), which bounds batches, pages and catch-up answers.</summary>
    public static long EncodedSize(LogCommand c) => Log.EncodedSize.Of(c);

    /// <summary>True when both batches hold the same commands in the same order, compared by content.</summary>
    public bool ContentEquals(SlotValue other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (Stamp != other.Stamp) return false;
        var a = IsNoOp ? ImmutableArray<LogCommand>.Empty : Commands;
        var b = other.IsNoOp ? ImmutableArray<LogCommand>.Empty : other.Commands;
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (!LogCommand.ContentEquals(a[i], b[i])) return false;
        return true;
    }

    /// <summary>Encoded size of the whole batch, as the serializer writes it.</summary>
    public long EncodedSize() => Log.EncodedSize.Of(this);
}

/// <summary>A value an acceptor accepted in a slot, and the ballot it accepted it in.</summary>
public sealed record AcceptedSlot(long Slot, Ballot Ballot, SlotValue Value);

/// <summary>A chosen value and its slot.</summary>
public sealed record DecidedSlot(long Slot, SlotValue Value);

// ---- Phase 1 -------------------------------------------------------------------------------------

/// <summary>
/// Phase 1a: asks acceptors to promise <see cref="Ballot"/> for every slot from <see cref="FromSlot"/> on.
/// <see cref="Fingerprint"/> is the sender's <see cref="PaxosConfig.Fingerprint"/>: an acceptor configured with
/// another acceptor list refuses the prepare.
/// </summary>
public sealed record Prepare(Ballot Ballot, long FromSlot, int From, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>
/// Phase 1b: the acceptor promised <see cref="Ballot"/>; <see cref="Accepted"/> holds what it accepted from
/// the requested slot on. Slots up to <see cref="CompactedThrough"/> are decided and were dropped. What it accepted
/// travels in <see cref="Pages"/> messages bounded in bytes (page <see cref="Page"/>, 0-based); the promise counts once
/// every page arrived.
/// </summary>
public sealed record Promise(Ballot Ballot, int From, ImmutableArray<AcceptedSlot> Accepted, long CompactedThrough, int Page = 0, int Pages = 1)
    : IPaxosMessage;

// ---- Phase 2 -------------------------------------------------------------------------------------

/// <summary>Phase 2a: asks acceptors to accept <see cref="Value"/> in <see cref="Slot"/> at <see cref="Ballot"/>.</summary>
public sealed record Accept(Ballot Ballot, long Slot, SlotValue Value, int From) : IPaxosMessage;

/// <summary>Phase 2b: the acceptor durably accepted the value proposed in <see cref="Slot"/> at <see cref="Ballot"/>.</summary>
public sealed record Accepted(Ballot Ballot, long Slot, int From) : IPaxosMessage;

/// <summary>The acceptor refused <see cref="Rejected"/> because it promised the higher <see cref="Promised"/>.</summary>
public sealed record Nack(Ballot Rejected, Ballot Promised, int From) : IPaxosMessage;

/// <summary>
/// Answer to an <see cref="Accept"/> for a slot the acceptor <see cref="From"/> already compacted: every slot up
/// to and including <see cref="ThroughSlot"/> is chosen and covered by a durable snapshot there. It does not say
/// which value was chosen, so the proposer stops proposing into those slots and leaves them to its replica's
/// catch-up; it never decides a value of its own in them.
/// </summary>
public sealed record SlotsCompacted(long ThroughSlot, int From) : IPaxosMessage;

/// <summary>Local: the replica's snapshot through <see cref="ThroughSlot"/> is durable, so the acceptor may drop those slots.</summary>
public sealed record Compact(long ThroughSlot) : ILocalPaxosMessage;

// ---- Leadership ----------------------------------------------------------------------------------

/// <summary>A timer tick. Roles count ticks; they never read a clock.</summary>
public sealed record Tick : ILocalPaxosMessage
{
    public static readonly Tick Instance = new();
}

/// <summary>
/// Sent by the leader to every other proposer, learners included; also tells how far the log is chosen.
/// <see cref="Fingerprint"/> is the leader's <see cref="PaxosConfig.Fingerprint"/>: a node configured with
/// another acceptor list ignores the heartbeat.
/// </summary>
public sealed record Heartbeat(Ballot Ballot, int Leader, long FirstUnchosen, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>
/// Sent by a member whose election timer ran out to the other members' proposers before it campaigns (Raft's pre-vote):
/// would they follow a campaign with <see cref="Ballot"/>? It changes nothing at the receiver, so a node that cannot hear
/// the cluster (a one-way cut) asks in vain and never raises the ballot under a live leader.
/// <see cref="Fingerprint"/> is the sender's <see cref="PaxosConfig.Fingerprint"/>.
/// </summary>
public sealed record PreVote(Ballot Ballot, int From, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>
/// Answer to <see cref="PreVote"/>: <see cref="Granted"/> when node <see cref="From"/> has itself heard no live leader for an
/// election timeout and is not leading.
/// </summary>
public sealed record PreVoteReply(Ballot Ballot, bool Granted, int From) : IPaxosMessage;

/// <summary>Answer to a heartbeat from a leader that has been superseded by <see cref="Known"/>.</summary>
public sealed record HeartbeatNack(Ballot Known, int From) : IPaxosMessage;

/// <summary>Client commands on their way to the leader; <see cref="Hops"/> bounds forwarding.</summary>
public sealed record Submit(ImmutableArray<LogCommand> Commands, int Hops) : IPaxosMessage;

/// <summary>Local: the replica applied every slot up to and including <see cref="Slot"/>.</summary>
public sealed record AppliedThrough(long Slot) : ILocalPaxosMessage;

/// <summary>Local: the proposer's view of the leader and of the first slot not yet known chosen.</summary>
public sealed record CommitInfo(int Leader, long FirstUnchosen) : ILocalPaxosMessage;

/// <summary>
/// Local: the learners this node currently knows of (node ids outside <see cref="PaxosConfig.Members"/>), in
/// full each time the directory changes. A leader sends its heartbeats and decisions to them too.
/// </summary>
public sealed record LearnersChanged(ImmutableArray<int> Ids) : ILocalPaxosMessage;

// ---- Reads off the log (read index) -------------------------------------------------------------

/// <summary>
/// Local: a linearizable read for this node's replica to answer without writing it to the log. The replica asks the
/// leader for a read index, waits until it has applied through it, and answers from its state (etcd's ReadIndex).
/// </summary>
public sealed record LinearizableRead(LogCommand Command) : ILocalPaxosMessage;

/// <summary>
/// The replica of node <see cref="From"/> asks the leader for a read index for its reads of batch <see cref="Id"/>;
/// proposers forward it to the leader they follow (<see cref="Hops"/> bounds that).
/// </summary>
public sealed record ReadIndexRequest(int From, long Id, int Hops = 0) : IPaxosMessage;

/// <summary>
/// The leader <see cref="From"/>, confirmed by a majority of acceptors after the request arrived, grants batch
/// <see cref="Id"/> the read index <see cref="Index"/>: every write acknowledged before the reads began is at or below it.
/// </summary>
public sealed record ReadIndexGrant(long Id, long Index, int From) : IPaxosMessage;

/// <summary>The leader asks each acceptor whether it has promised nothing above <see cref="Ballot"/> (round <see cref="Round"/> of reads).</summary>
public sealed record ReadProbe(Ballot Ballot, long Round, int From) : IPaxosMessage;

/// <summary>
/// The acceptor <see cref="From"/> had promised nothing above <see cref="Ballot"/> when it got the probe of round
/// <see cref="Round"/>, so no higher ballot had won a majority through it by then. Needs no write: its promise can only
/// have grown since.
/// </summary>
public sealed record ReadProbeAck(Ballot Ballot, long Round, int From) : IPaxosMessage;

// ---- Learning ------------------------------------------------------------------------------------

/// <summary>
/// The leader <see cref="From"/> saw a majority accept <see cref="Value"/> in <see cref="Slot"/> at its
/// <see cref="Ballot"/>: it is chosen. <see cref="Fingerprint"/> is the leader's <see cref="PaxosConfig.Fingerprint"/>:
/// a replica learns only decisions of its own acceptor set, so a node that runs a log of its own (a node started without
/// the cluster's member list) cannot write into this one.
/// </summary>
public sealed record Decision(long Slot, SlotValue Value, int From = 0, Ballot Ballot = default, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>A lagging replica asks a peer for chosen values from <see cref="FromSlot"/> on.</summary>
public sealed record CatchUpRequest(int From, long FromSlot) : IPaxosMessage;

/// <summary>
/// Answer to <see cref="CatchUpRequest"/> from node <see cref="From"/>: a snapshot when the requested slots were compacted
/// away, then consecutive chosen values. <see cref="Fingerprint"/> is the sender's <see cref="PaxosConfig.Fingerprint"/>.
/// </summary>
public sealed record CatchUpResponse(StateSnapshot? Snapshot, ImmutableArray<DecidedSlot> Decisions, int From = 0, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>Local: the snapshot through <see cref="Slot"/> is durable.</summary>
public sealed record SnapshotSaved(long Slot) : ILocalPaxosMessage;

/// <summary>
/// A piece of a serialized snapshot through <see cref="Slot"/>, for a replica that lags behind a compaction: bytes
/// <see cref="Offset"/> to <see cref="Offset"/> + length of <see cref="Total"/> (Raft's InstallSnapshot), so a state of
/// any size reaches it in messages below the frame size.
/// </summary>
public sealed record SnapshotChunk(int From, long Slot, long Offset, long Total, byte[] Data, ulong Fingerprint = 0) : IPaxosMessage;

/// <summary>The receiving replica asks for the piece of the snapshot through <see cref="Slot"/> that starts at <see cref="Offset"/>.</summary>
public sealed record SnapshotChunkRequest(int From, long Slot, long Offset) : IPaxosMessage;
