using Actors.Core.Log;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Node-local: asks <c>/user/paxos/replica</c> to evaluate <see cref="Query"/> on its replicated state and answer with the
/// result in a <see cref="QueryAnswer"/>, once it has applied slot <see cref="MinApplied"/>; a replica behind it (restarted
/// from an older snapshot since) answers a <see cref="Akka.Actor.Status.Failure"/> with <see cref="ReplicaBehindException"/>,
/// and a query that throws answers a failure with its exception. The answer is typed so that an ask for it turns a
/// failure into an exception (an ask for <c>object</c> would take the failure for an answer). Never sent to another node.
/// For a linearizable read, take <see cref="MinApplied"/> from a <see cref="ReadBarrier"/>'s answer.
/// </summary>
public sealed record QueryLocal(long MinApplied, Func<ReplicatedState, object?> Query);

/// <summary>The result of a <see cref="QueryLocal"/> (null where the query found nothing).</summary>
public sealed record QueryAnswer(object? Value);

/// <summary>The replica has not applied the slot a <see cref="QueryLocal"/> requires (yet).</summary>
public sealed class ReplicaBehindException(long applied, long required)
    : Exception($"the replica has applied through slot {applied}, not {required} yet");
