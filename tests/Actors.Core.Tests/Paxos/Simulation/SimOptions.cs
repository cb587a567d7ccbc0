namespace Actors.Core.Tests.Paxos.Simulation;

/// <summary>Knobs of one simulated run. Times are in simulated units; a tick is <see cref="TickEvery"/> units.</summary>
public sealed record SimOptions
{
    public int Nodes { get; init; } = 3;
    /// <summary>
    /// Extra nodes after the <see cref="Nodes"/> acceptors that run only a proposer (as a learner) and a replica;
    /// clients may target them, and they crash and are partitioned like the others.
    /// </summary>
    public int Learners { get; init; }
    public int Clients { get; init; } = 4;
    public int OpsPerClient { get; init; } = 12;
    public int Keys { get; init; } = 3;
    public int TickEvery { get; init; } = 10;
    public int MinDelay { get; init; } = 1;
    public int MaxDelay { get; init; } = 12;
    public double DropRate { get; init; } = 0.05;
    public double DuplicateRate { get; init; } = 0.03;
    public double LongDelayRate { get; init; } = 0.02;
    public int LongDelay { get; init; } = 150;
    public double CrashRatePerTick { get; init; } = 0.004;
    public int MaxDownTicks { get; init; } = 40;
    public double PartitionRatePerTick { get; init; } = 0.003;
    public int MaxPartitionTicks { get; init; } = 40;
    /// <summary>Faults happen only before this time; afterwards the network is reliable and every node is up.</summary>
    public int FaultPhase { get; init; } = 4000;
    /// <summary>The run fails if clients have not finished by this time.</summary>
    public int Deadline { get; init; } = 30000;
    public int ClientTimeout { get; init; } = 400;
    public int ClientRetries { get; init; } = 3;
    public int SnapshotEvery { get; init; } = 7;
    /// <summary>Bytes per piece of a snapshot sent to a lagging replica, which asks for the pieces one by one; 0: whole.</summary>
    public int SnapshotChunkBytes { get; init; }
    public int Window { get; init; } = 4;

    /// <summary>The most slots a leader keeps in flight (its window widens up to this under load); at least <see cref="Window"/>.</summary>
    public int MaxWindow { get; init; } = 64;
    public int MaxBatch { get; init; } = 3;
    /// <summary>
    /// Encoded bytes of commands per slot (and per forwarded submit or catch-up answer). A message between nodes that
    /// carries more, beyond one command, is dropped as the transport drops a frame over its size, and reported.
    /// </summary>
    public int MaxBatchBytes { get; init; } = 64 * 1024;
    /// <summary>Bytes of accepted values per promise page: small, so that campaigns exercise paged promises.</summary>
    public long PromisePageBytes { get; init; } = 300;
    /// <summary>Client sessions expire after this much log time (the leader stamps slots with the simulated time).</summary>
    public long SessionTtl { get; init; } = 100_000;
    /// <summary>Messages between the roles of one node take up to this long (0: at once), so a crash can lose them.</summary>
    public int LocalMaxDelay { get; init; }
    /// <summary>Chance per tick and node that only the node's proposer restarts (the node stays up).</summary>
    public double ProposerRestartRatePerTick { get; init; }
    /// <summary>Chance per tick that every node crashes at the same moment and all restart together.</summary>
    public double ClusterRestartRatePerTick { get; init; }
    /// <summary>Failpoint for tests of the simulation: a restarted proposer loses the last round it persisted.</summary>
    public bool ProposerForgetsRound { get; init; }
    /// <summary>Failpoint for tests of the checker: the acceptor sends replies but loses what it persisted on a crash.</summary>
    public bool AcceptorSkipsPersist { get; init; }
    /// <summary>An acceptor's group write takes 1 to this many time units; a crash meanwhile loses the whole group.</summary>
    public int WriteMaxDelay { get; init; } = 4;
    /// <summary>One command in eight changes the ring (join, leave, drain or reweigh one of six nodes).</summary>
    public bool RingOps { get; init; }
    /// <summary>
    /// One command in three is a journal append (each client writes its own stream, as a persistent actor would) or a read
    /// barrier, which must see every append acknowledged before it began.
    /// </summary>
    public bool JournalOps { get; init; }
    /// <summary>Gets go through the log as commands (as before reads by read index) instead of to the replica.</summary>
    public bool ReadsThroughLog { get; init; }
    /// <summary>Failpoint: a node that believes it leads answers reads from its own state at once, with no read index.</summary>
    public bool LeaderReadsLocally { get; init; }
    /// <summary>
    /// Extra time every read probe, probe answer and read-index grant between nodes takes, in every phase (a slow link): more
    /// than the retransmit time makes each grant arrive after its request was followed by a newer one.
    /// </summary>
    public int SlowReads { get; init; }
    /// <summary>
    /// One-way cuts held for the whole fault phase: nothing sent from the first node reaches the second (a node cut off
    /// from every peer's messages can still send: it hears nobody).
    /// </summary>
    public IReadOnlyList<(int From, int To)> PermanentCuts { get; init; } = [];
    /// <summary>
    /// At this time (0: never), the node that leads then stops hearing every other node for the rest of the fault phase:
    /// its heartbeats still reach the followers.
    /// </summary>
    public int DeafenLeaderAt { get; init; }
    /// <summary>
    /// Chance per tick that a node running a log of its own (another acceptor list, as a node started without the cluster's
    /// members) sends one replica a decision or catch-up answer for a slot it has not applied yet: a foreign fingerprint, a
    /// sender that is no acceptor, a ballot of another node, or none of these fields at all.
    /// </summary>
    public double ForeignDecisionRatePerTick { get; init; }
    /// <summary>
    /// Chance per tick that a sender outside the clients (a buggy or newer client) submits, through a random node, a command
    /// the log cannot read: a service no node runs, or random bytes for one that does. Every replica must refuse it alike.
    /// </summary>
    public double UnreadableRatePerTick { get; init; }
    /// <summary>Failpoint: clients issue every command far in the future, so no copy is ever refused as expired (as before sessions could refuse).</summary>
    public bool IssueInTheFuture { get; init; }
    /// <summary>Client commands a proposer may hold (leading or not); the run checks that none ever holds more.</summary>
    public int MaxPending { get; init; } = 100_000;
    /// <summary>Failpoint: proposers campaign without a pre-vote (as before it existed).</summary>
    public bool NoPreVote { get; init; }
    /// <summary>Failpoint: a leader never steps down for want of answers (as before CheckQuorum).</summary>
    public bool NoCheckQuorum { get; init; }
    /// <summary>Failpoint: an acceptor sends a group's replies when it starts the group's write instead of when it is durable.</summary>
    public bool GroupRepliesBeforeWrite { get; init; }
}
