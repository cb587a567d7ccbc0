namespace Actors.Core.Paxos;

/// <summary>
/// A proposal number: a round and the id of the node that owns it. Ballots are totally ordered by
/// round, then node, so two proposers never hold the same ballot. <see cref="Zero"/> is below every
/// ballot a proposer can issue.
/// </summary>
public readonly record struct Ballot(long Round, int Node) : IComparable<Ballot>
{
    /// <summary>The ballot every acceptor starts promised to; no proposer ever owns it.</summary>
    public static readonly Ballot Zero = new(0, -1);

    public int CompareTo(Ballot other)
    {
        var byRound = Round.CompareTo(other.Round);
        return byRound != 0 ? byRound : Node.CompareTo(other.Node);
    }

    public static bool operator <(Ballot a, Ballot b) => a.CompareTo(b) < 0;
    public static bool operator >(Ballot a, Ballot b) => a.CompareTo(b) > 0;
    public static bool operator <=(Ballot a, Ballot b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Ballot a, Ballot b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Round}.{Node}";
}
