using Actors.Core.Paxos;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>Asks the local proposer for <see cref="ProposerStatus"/>.</summary>
public sealed record GetProposerStatus
{
    public static readonly GetProposerStatus Instance = new();
}

/// <summary>The proposer's view: role, leader, ballot, the first slot not known chosen, and its window of slots in flight.</summary>
public sealed record ProposerStatus(int Self, ProposerRole Role, int? Leader, Ballot Ballot, long FirstUnchosen, int InFlight, int Pending, int Window = 0);

/// <summary>Asks the local replica for <see cref="ReplicaStatus"/>.</summary>
public sealed record GetReplicaStatus
{
    public static readonly GetReplicaStatus Instance = new();
}

/// <summary>
/// The replica's view: the last applied slot, the known commit point, the latest snapshot, the key count, the client sessions
/// held, the linearizable reads waiting for their read index, the bytes the state takes (sessions included) and the bytes
/// of the services' data against its limit (<c>actors.log.max-state-bytes</c>).
/// </summary>
public sealed record ReplicaStatus(long LastApplied, long KnownCommit, long SnapshotThrough, int Keys, int Sessions, int Reads = 0,
    long StateBytes = 0, long MaxStateBytes = 0, long DataBytes = 0, long? HaltedAt = null);

/// <summary>
/// Subscribes <see cref="Subscriber"/> (a local actor) to the commands this node's replica applies: it receives every
/// <see cref="AppliedBatch"/> from then on, in slot order, until it stops or unsubscribes. Services built on the log
/// (the key-value entry point, watches, the ring view) learn what was applied this way and never poll the state.
/// </summary>
public sealed record SubscribeApplied(IActorRef Subscriber);

/// <summary>Ends a <see cref="SubscribeApplied"/>.</summary>
public sealed record UnsubscribeApplied(IActorRef Subscriber);

/// <summary>Published on the event stream by this node's proposer whenever the leader it follows changes (null: none known).</summary>
public sealed record LeaderChanged(int? Leader);

/// <summary>Linearizable reads the local replica answered off the log (see <see cref="LinearizableRead"/>), for the entry point that asked.</summary>
public sealed record ReadsAnswered(IReadOnlyList<AppliedCommand> Reads);

/// <summary>
/// Commands applied by the local replica, in slot order, with their results, and the log time after them (also sent with no
/// commands when only the log time moved on, and once after the replica recovered).
/// </summary>
public sealed record AppliedBatch(IReadOnlyList<AppliedCommand> Commands, long LogTime = 0);

/// <summary>
/// Commands submitted on this node that its proposer refused to queue (<see cref="Actors.Core.Log.CommandStatus.Overloaded"/>),
/// for the entry point that submitted them.
/// </summary>
public sealed record CommandsRefused(IReadOnlyList<AppliedCommand> Commands);

/// <summary>Reads this node's proposer and replica status, for the command palettes and the public status query.</summary>
public static class PaxosStatusQuery
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Both views; throws <see cref="AskTimeoutException"/> while the roles are starting or recovering.</summary>
    public static async Task<(ProposerStatus Proposer, ReplicaStatus Replica)> QueryAsync(ActorSystem system, CancellationToken ct = default)
    {
        var p = system.ActorSelection("/user/paxos/proposer").Ask<ProposerStatus>(GetProposerStatus.Instance, Timeout, ct);
        var r = system.ActorSelection("/user/paxos/replica").Ask<ReplicaStatus>(GetReplicaStatus.Instance, Timeout, ct);
        return (await p, await r);
    }
}
