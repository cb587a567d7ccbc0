namespace Actors.Contracts.Client;

/// <summary>Timing of <see cref="ActorsClient"/> requests.</summary>
/// <param name="RequestTimeout">Total time one call may take, retries included.</param>
/// <param name="AttemptTimeout">Time after which an unanswered attempt is sent again (same client id and seq).</param>
/// <param name="ServicePath">Path of the entry point registered with every node's receptionist (<c>/user/log</c>; nodes before it had <c>/user/kv</c>, which this version keeps as an alias).</param>
/// <param name="StraightToLeader">Send straight to the leader that replies name (the default); false: every request goes
/// through the cluster client to the node it is connected to, which forwards writes to the leader and answers reads by
/// read index (for a client that cannot reach the leader's address, and to exercise the followers' paths).</param>
public sealed record ActorsClientOptions(TimeSpan RequestTimeout, TimeSpan AttemptTimeout, string ServicePath = "/user/log", bool StraightToLeader = true)
{
    /// <summary>
    /// A write is issued at the latest log time a node told the client; when that was learned longer ago than this, the
    /// client first asks a node again (a read, off the log). Keep it well below the cluster's <c>actors.kv.session-ttl</c>
    /// (10 min by default): a write issued more than the TTL behind the log is refused once and issued again, which costs a
    /// round trip. 30 s by default.
    /// </summary>
    public TimeSpan LogTimeRefresh { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>30 s per call, a new attempt every 3 s.</summary>
    public static readonly ActorsClientOptions Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3));
}
