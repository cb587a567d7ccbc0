namespace Actors.Chaos;

/// <summary>
/// The faults the injector chooses from. Kills, pauses and the restart of every node run on the process lane, the rest
/// on the network lane; the two lanes overlap.
/// </summary>
public enum FaultKind
{
    /// <summary>SIGKILL of a random node, started again 1 to 3 s later; healed once it is Up.</summary>
    KillNode,

    /// <summary>SIGKILL of the current leader, started again 1 to 3 s later; healed once it is Up.</summary>
    KillLeader,

    /// <summary>A minority of random nodes cut off from the majority, both directions.</summary>
    Partition,

    /// <summary>The leader alone on one side of a partition.</summary>
    IsolateLeader,

    /// <summary>Two halves that cannot talk to each other, and one node that talks to both.</summary>
    Bridge,

    /// <summary>
    /// A one-way cut: a random node hears no Paxos message from any other node while its own still reach them (it campaigns
    /// in vain: its pre-votes are answered, but it never hears the answers).
    /// </summary>
    DeafNode,

    /// <summary>
    /// A one-way cut of the leader: it hears no Paxos message while its heartbeats still reach the followers, so they keep
    /// following it until it steps down for want of a majority's answers (CheckQuorum).
    /// </summary>
    DeafLeader,

    /// <summary>Paxos messages among some nodes delayed by 50 to 300 ms.</summary>
    SlowLinks,

    /// <summary>
    /// The leader's read-index grants reach every other node 0.5 to 1.5 s late, longer than the retransmit interval (4 ticks,
    /// 400 ms): each grant comes back after its request was followed by newer ones and must still answer the reads it carried.
    /// </summary>
    SlowGrants,

    /// <summary>
    /// The leader cut off from every other node (both ways) and sent a burst of writes (<see cref="LeaderFlood"/>): past what
    /// it keeps in flight it must queue at most max-pending of them and refuse the rest as overloaded.
    /// </summary>
    FloodLeader,

    /// <summary>
    /// A node that is no member of the cluster's log joins the Akka cluster with its seeds and an acceptor list of its own,
    /// and writes a checked key in its own log; it is stopped at the heal. No client of the cluster may reach it (its
    /// receptionist serves its own log) and no replica may learn its value: a read of it breaks the history.
    /// </summary>
    ForeignNode,

    /// <summary>Paxos messages among some nodes dropped with probability 0.1 to 0.4.</summary>
    LossyLinks,

    /// <summary>SIGSTOP of a random node, SIGCONT at the heal.</summary>
    PauseNode,

    /// <summary>SIGSTOP of the leader, SIGCONT at the heal.</summary>
    PauseLeader,

    /// <summary>
    /// SIGKILL of every node at once, all started again 1 to 3 s later, in parallel; healed once every node is Up and
    /// a leader is known. It runs alone on the process lane: it waits until no other process fault is in progress,
    /// and the lane starts none until it is healed. Whatever was acknowledged but not yet durable on a majority is
    /// lost here, so it is the fault that finds a missing persist.
    /// </summary>
    RestartAll,

    /// <summary>
    /// SIGSTOP of the node that holds a counter's shard, long enough for the cluster to down it and move its shards
    /// (<see cref="Nemesis.StaleHold"/>), then SIGCONT: the node comes back as a stale incarnation of its entities, with
    /// the adds that reached it while it was frozen still in its mailbox. The journal must refuse its writes where a newer
    /// incarnation wrote, so the counters stay exact; the node then finds itself removed, shuts down and is started again.
    /// </summary>
    StaleIncarnation,
}
