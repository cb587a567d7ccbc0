using Actors.Core.Log;

namespace Actors.Core.Ring;

/// <summary>
/// An operation of the ring-membership service on the log. Every one is idempotent, so a deposed leader's duplicate
/// or a retry does no harm; the ring's version is the slot of the last operation that changed it.
/// </summary>
public abstract record RingOp : LogOp
{
    public override bool Idempotent => true;

    public override int Service => RingStateMachine.ServiceId;

    public override byte[] Encode() => RingCodec.Encode(this);
}

/// <summary>
/// <see cref="Node"/> joins the ring at <see cref="Address"/> with <see cref="Weight"/>. For a member already on the
/// ring only the address is updated (a node restarted elsewhere): its weight and a drain stay as they are.
/// </summary>
public sealed record RingJoin(int Node, string Address, double Weight) : RingOp
{
    public override byte Kind => 5;

    protected internal override void Digest(DigestFields fields)
    {
        fields.Int(Node);
        fields.String(Address);
        fields.Double(Weight);
    }
}

/// <summary><see cref="Node"/> leaves the ring; what it owned goes to the next members along the ring. No-op when absent.</summary>
public sealed record RingLeave(int Node) : RingOp
{
    public override byte Kind => 6;

    protected internal override void Digest(DigestFields fields) => fields.Int(Node);
}

/// <summary><see cref="Node"/> stays a member but owns nothing from now on (drained before it is removed).</summary>
public sealed record RingDrain(int Node) : RingOp
{
    public override byte Kind => 7;

    protected internal override void Digest(DigestFields fields) => fields.Int(Node);
}

/// <summary><see cref="Node"/>'s weight becomes <see cref="Weight"/> (positive): it owns about that share of the ring.</summary>
public sealed record RingWeight(int Node, double Weight) : RingOp
{
    public override byte Kind => 8;

    protected internal override void Digest(DigestFields fields)
    {
        fields.Int(Node);
        fields.Double(Weight);
    }
}
