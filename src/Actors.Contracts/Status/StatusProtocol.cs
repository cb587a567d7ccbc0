namespace Actors.Contracts.Status;

/// <summary>Asks <c>/user/log</c> of a node for that node's view of the consensus; answered with <see cref="NodeStatus"/>.</summary>
public sealed record GetNodeStatus : IActorsMessage
{
    public static readonly GetNodeStatus Instance = new();
}

/// <summary>One node's view of the consensus.</summary>
/// <param name="Node">This node's id (its 1-based position in the member list).</param>
/// <param name="Leader">The leader it follows, or null while none is known.</param>
/// <param name="Role">follower, candidate or leader.</param>
/// <param name="Ballot">The current ballot as "round.node".</param>
/// <param name="FirstUnchosen">Every slot below this one is known chosen.</param>
/// <param name="LastApplied">The last slot applied to this node's key-value state.</param>
/// <param name="Members">"host:port" of every member, by node id - 1.</param>
/// <param name="LeaderAddress">The Akka address of the leader (<c>akka.tcp://actors@host:port</c>), or null while none is known.</param>
public sealed record NodeStatus(int Node, int? Leader, string Role, string Ballot, long FirstUnchosen, long LastApplied, IReadOnlyList<string> Members,
    string? LeaderAddress = null) : IActorsMessage;
