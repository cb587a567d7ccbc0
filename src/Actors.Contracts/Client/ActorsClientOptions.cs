namespace Actors.Contracts.Client;

/// <summary>Timing of <see cref="ActorsClient"/> requests.</summary>
/// <param name="RequestTimeout">Total time one call may take, retries included.</param>
/// <param name="AttemptTimeout">Time after which an unanswered attempt is sent again (same client id and seq).</param>
/// <param name="ServicePath">Path of the key-value entry point registered with every node's receptionist.</param>
/// <param name="StraightToLeader">Send straight to the leader that replies name (the default); false: every request goes
/// through the cluster client to the node it is connected to, which forwards writes to the leader and answers reads by
/// read index (for a client that cannot reach the leader's address, and to exercise the followers' paths).</param>
public sealed record ActorsClientOptions(TimeSpan RequestTimeout, TimeSpan AttemptTimeout, string ServicePath = "/user/kv", bool StraightToLeader = true)
{
    /// <summary>30 s per call, a new attempt every 3 s.</summary>
    public static readonly ActorsClientOptions Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3));
}
