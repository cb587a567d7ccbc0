using Actors.Core.Ring;

namespace Actors.Runtime.Ring;

/// <summary>
/// The local replica's ring changed: the ring as agreed after the last slot applied. Published on the event stream on
/// every change (and once after the replica recovers); a <see cref="Paxos.SubscribeApplied"/> subscriber also gets the
/// current ring when it subscribes.
/// </summary>
public sealed record RingChanged(RingState Ring);

/// <summary>Asks <c>/user/ring</c> for the ring as this node knows it; answered with a <see cref="RingState"/>.</summary>
public sealed record GetRing
{
    public static readonly GetRing Instance = new();
}

/// <summary>
/// Node-local: asks <c>/user/log</c> to put <see cref="Op"/> through the log; answered with the <see cref="Core.Log.CommandResult"/>
/// it was applied with (status Timeout when it was not applied within the request timeout: it may still be).
/// </summary>
public sealed record SubmitLogOp(Core.Log.LogOp Op);
