using Actors.Core.Log;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Node-local: asks <c>/user/paxos/replica</c> to evaluate <see cref="Query"/> on its replicated state as it is and answer
/// with the result. Never sent to another node. What it reads is as fresh as the slots applied: send it after a
/// <see cref="ReadBarrier"/> was answered for a linearizable read.
/// </summary>
public sealed record QueryLocal(Func<ReplicatedState, object> Query);
