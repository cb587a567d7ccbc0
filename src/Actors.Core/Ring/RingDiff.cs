namespace Actors.Core.Ring;

/// <summary>
/// An arc of the ring whose owner changed: positions after <see cref="After"/> up to and including <see cref="UpTo"/>
/// (wrapping past the top when <see cref="After"/> ≥ <see cref="UpTo"/>) belonged to <see cref="From"/> and belong to
/// <see cref="To"/> now; null where a ring had no active member.
/// </summary>
public sealed record RingMove(ulong After, ulong UpTo, int? From, int? To)
{
    /// <summary>True when <paramref name="position"/> lies in this arc.</summary>
    public bool Contains(ulong position) =>
        After < UpTo ? position > After && position <= UpTo : position > After || position <= UpTo;
}

/// <summary>What moves between two rings.</summary>
public static class RingDiff
{
    /// <summary>
    /// The arcs whose owner differs between <paramref name="before"/> and <paramref name="after"/>, in position order, with
    /// neighbouring arcs of the same move merged. A key moves exactly when its position lies in one of them.
    /// </summary>
    public static IReadOnlyList<RingMove> Between(HashRing before, HashRing after)
    {
        // Between two consecutive positions of either ring, both rings have one owner each: that of the next position.
        var cuts = before.Points().Select(p => p.Position).Concat(after.Points().Select(p => p.Position)).Distinct().Order().ToArray();
        var moves = new List<RingMove>();
        if (cuts.Length == 0) return moves;
        for (var i = 0; i < cuts.Length; i++)
        {
            var end = cuts[i];
            var start = i == 0 ? cuts[^1] : cuts[i - 1];
            int? from = before.IsEmpty ? null : before.OwnerAt(end);
            int? to = after.IsEmpty ? null : after.OwnerAt(end);
            if (from == to) continue;
            if (moves.Count > 0 && moves[^1].UpTo == start && moves[^1].From == from && moves[^1].To == to)
                moves[^1] = moves[^1] with { UpTo = end };
            else
                moves.Add(new RingMove(start, end, from, to));
        }
        // The first arc wraps around from the last position; join it to the last arc when they are one move.
        if (moves.Count > 1 && moves[0].After == cuts[^1] && moves[^1].UpTo == cuts[^1] && moves[0].From == moves[^1].From && moves[0].To == moves[^1].To)
        {
            moves[0] = moves[0] with { After = moves[^1].After };
            moves.RemoveAt(moves.Count - 1);
        }
        return moves;
    }
}
