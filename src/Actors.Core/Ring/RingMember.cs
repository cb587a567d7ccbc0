namespace Actors.Core.Ring;

/// <summary>Where a ring member stands.</summary>
public enum RingMemberStatus
{
    /// <summary>Owns its share of the ring.</summary>
    Active = 0,

    /// <summary>Still a member, but owns nothing: what it held moves to the next owners along the ring (drain before removal).</summary>
    Draining = 1,
}

/// <summary>
/// A node on the ring: its id (the Paxos node id), its Akka address, its weight and its status. A member owns about
/// <see cref="Weight"/> / (sum of the active weights) of the keys.
/// </summary>
public sealed record RingMember(int Node, string Address, double Weight, RingMemberStatus Status = RingMemberStatus.Active)
{
    /// <summary>True when the member owns part of the ring.</summary>
    public bool Owns => Status == RingMemberStatus.Active;
}
