using System.Collections.Immutable;

namespace Actors.Core.Paxos;

/// <summary>
/// Parameters shared by the roles of one node. Timing is counted in ticks of the driver's timer.
/// </summary>
/// <param name="Members">Node ids of the acceptor set (every member also runs a proposer and a replica). A node
/// whose id is not a member is a learner: its proposer never campaigns and its replica learns the log.</param>
/// <param name="Window">Slots the leader keeps in phase 2 at once when it starts leading and once it is idle again.</param>
/// <param name="MaxBatch">Client commands batched into one slot at most.</param>
/// <param name="HeartbeatTicks">Ticks between leader heartbeats.</param>
/// <param name="ElectionTimeoutTicks">Minimum ticks without a heartbeat before a follower campaigns; the actual
/// timeout is drawn from [t, 2t) each time.</param>
/// <param name="RetransmitTicks">Ticks before an unanswered accept or catch-up request is sent again.</param>
/// <param name="SnapshotEvery">Applied slots between snapshots.</param>
/// <param name="CatchUpBatch">Chosen values per catch-up answer at most.</param>
/// <param name="MaxPending">Client commands a proposer holds at most, leading or with no leader known; more are refused
/// (<see cref="Effects.Refused"/>).</param>
/// <param name="MaxBatchBytes">Approximate bytes of commands in one slot at most (one command always fits).</param>
/// <param name="IdleStampTicks">A leader that proposed nothing for this many ticks proposes an empty slot stamped with its
/// clock, so log time (and session expiry) moves on while no client writes.</param>
/// <param name="MaxWindow">The most slots the leader keeps in phase 2 at once: its window doubles, up to this, while the
/// window is full and a full batch still waits, and halves back towards <see cref="Window"/> while it is idle.</param>
/// <param name="Fingerprint">A stable hash of the acceptor list as the driver configured it; stamped on
/// <see cref="Prepare"/> and <see cref="Heartbeat"/> so that nodes configured with different lists refuse each other.</param>
/// <param name="PreVote">A member whose election timer runs out campaigns only once a majority of members says it has lost
/// the leader too (<see cref="Paxos.PreVote"/>). Off only in tests that show what it prevents.</param>
/// <param name="CheckQuorum">A leader that has heard fewer than a majority of acceptors for two election timeouts steps down.
/// Off only in tests that show what it prevents.</param>
/// <param name="SnapshotChunkBytes">Bytes per piece of a snapshot sent to a lagging replica, which asks for the pieces one
/// by one; 0: a snapshot travels whole in its catch-up answer.</param>
public sealed record PaxosConfig(
    ImmutableArray<int> Members,
    int Window = 4,
    int MaxBatch = 512,
    int HeartbeatTicks = 2,
    int ElectionTimeoutTicks = 10,
    int RetransmitTicks = 4,
    int SnapshotEvery = 1000,
    int CatchUpBatch = 500,
    int MaxPending = 100_000,
    int MaxBatchBytes = 4 * 1024 * 1024,
    int IdleStampTicks = 10,
    ulong Fingerprint = 0,
    int MaxWindow = 64,
    bool PreVote = true,
    bool CheckQuorum = true,
    int SnapshotChunkBytes = 0)
{
    /// <summary>Acceptors that make a majority.</summary>
    public int Quorum => Members.Length / 2 + 1;

    /// <summary>True when <paramref name="node"/> is an acceptor; every other node id is a learner.</summary>
    public bool IsMember(int node) => Members.Contains(node);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid parameter.</summary>
    public PaxosConfig Validate()
    {
        if (Members.IsDefaultOrEmpty) throw new ArgumentException("paxos: the member list is empty");
        if (Members.Distinct().Count() != Members.Length) throw new ArgumentException("paxos: member ids must be distinct");
        if (Window < 1) throw new ArgumentException("paxos: window must be at least 1");
        if (MaxWindow < Window) throw new ArgumentException("paxos: max-window must be at least window");
        if (MaxBatch < 1) throw new ArgumentException("paxos: max-batch must be at least 1");
        if (HeartbeatTicks < 1) throw new ArgumentException("paxos: heartbeat ticks must be at least 1");
        if (ElectionTimeoutTicks <= HeartbeatTicks) throw new ArgumentException("paxos: the election timeout must be longer than the heartbeat interval");
        if (RetransmitTicks < 1) throw new ArgumentException("paxos: retransmit ticks must be at least 1");
        if (SnapshotEvery < 1) throw new ArgumentException("paxos: snapshot-every must be at least 1");
        if (MaxBatchBytes < 1) throw new ArgumentException("paxos: max-batch-bytes must be at least 1");
        if (IdleStampTicks < 1) throw new ArgumentException("paxos: idle-stamp-ticks must be at least 1");
        if (CatchUpBatch < 1) throw new ArgumentException("paxos: catch-up batch must be at least 1");
        if (SnapshotChunkBytes < 0) throw new ArgumentException("paxos: snapshot-chunk-bytes must not be negative");
        return this;
    }
}
