namespace Actors.Core.Ring;

/// <summary>
/// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018): keys are placed in ring order, each
/// on the first member clockwise from its position whose load is below its cap, ⌈(1 + ε) · keys · weight / total
/// weight⌉, so no member holds more than 1 + ε times its share (plus one for the rounding). A key whose ring owner is
/// full goes to the next member along the ring, so keys still move little when members change. Deterministic: the same
/// ring and keys give the same assignment on every node.
/// </summary>
public static class BoundedLoads
{
    /// <summary>The owner of each of <paramref name="keys"/> (duplicates counted once) under the cap set by <paramref name="epsilon"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The ring has no active member.</exception>
    public static IReadOnlyDictionary<string, int> Assign(HashRing ring, IEnumerable<string> keys, double epsilon)
    {
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a positive number");
        if (ring.IsEmpty) throw new InvalidOperationException("the ring has no active member");

        var ordered = keys.Distinct().Select(k => (Position: RingHash.Of(k), Key: k)).ToList();
        ordered.Sort((a, b) => a.Position != b.Position ? a.Position.CompareTo(b.Position) : string.CompareOrdinal(a.Key, b.Key));
        var active = ring.Members.Where(m => m.Owns).ToList();
        var total = active.Sum(m => m.Weight);
        var caps = active.ToDictionary(m => m.Node, m => CapOf(ordered.Count, m.Weight, total, epsilon));
        var loads = active.ToDictionary(m => m.Node, _ => 0);

        var result = new Dictionary<string, int>(ordered.Count, StringComparer.Ordinal);
        foreach (var (position, key) in ordered)
        {
            var index = ring.IndexAt(position);
            // The caps add up to at least the number of keys, so some member always has room.
            for (var step = 0; ; step++)
            {
                var owner = ring.OwnerOfPoint((index + step) % ring.PointCount);
                if (loads[owner] >= caps[owner]) continue;
                loads[owner]++;
                result[key] = owner;
                break;
            }
        }
        return result;
    }

    /// <summary>The most keys a member of <paramref name="weight"/> may hold: ⌈(1 + ε) · keys · weight / total⌉.</summary>
    public static int CapOf(int keys, double weight, double totalWeight, double epsilon) =>
        (int)Math.Ceiling((1 + epsilon) * keys * weight / totalWeight - 1e-9);
}
