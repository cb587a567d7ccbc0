using System.Collections.Immutable;

namespace Actors.Core.Ring;

/// <summary>
/// Where the shards of a sharded entity type belong, by the ring: a shard id is a key on the ring, and its owner's node
/// hosts it. Pure functions over region addresses (Akka addresses as strings), so that the allocation strategy is a thin
/// shell and every rule is tested without a cluster.
/// </summary>
public static class ShardPlacement
{
    /// <summary>
    /// The address of the region that should host <paramref name="shardId"/>: the ring owner's when its region is
    /// registered; otherwise the next member along the ring with a registered region; otherwise (an empty ring, or no
    /// member with a region) <paramref name="requester"/>, so that a shard is never left without a home.
    /// </summary>
    public static string Allocate(RingState? ring, string shardId, IReadOnlySet<string> regions, string requester)
    {
        if (ring is not null)
        {
            foreach (var node in ring.Ring.OwnersFrom(shardId))
                if (ring.Member(node) is { } m && regions.Contains(m.Address))
                    return m.Address;
        }
        return requester;
    }

    /// <summary>The address of the ring owner of <paramref name="shardId"/>, or null when the ring owns nothing.</summary>
    public static string? OwnerAddress(RingState ring, string shardId) =>
        ring.Ring.TryOwnerOf(shardId) is { } node ? ring.Member(node)?.Address : null;

    /// <summary>
    /// The shards to move this round: each one hosted by a region other than its ring owner's while the owner's region is
    /// registered, not already moving, at most <paramref name="limit"/>, in a stable order (by shard id). A shard whose
    /// owner has no region stays where it is: moving it would only move it again.
    /// </summary>
    public static ImmutableArray<string> Rebalance(RingState? ring, IReadOnlyDictionary<string, IReadOnlyList<string>> allocations,
        IReadOnlySet<string> inProgress, int limit)
    {
        if (ring is null || ring.Ring.IsEmpty || limit <= 0) return [];
        var moves = new List<string>();
        foreach (var (region, shards) in allocations)
        {
            foreach (var shard in shards)
            {
                if (inProgress.Contains(shard)) continue;
                var owner = OwnerAddress(ring, shard);
                if (owner is not null && owner != region && allocations.ContainsKey(owner)) moves.Add(shard);
            }
        }
        moves.Sort(StringComparer.Ordinal);
        return moves.Take(limit).ToImmutableArray();
    }

    /// <summary>How many of the shards 0 to <paramref name="shardCount"/> - 1 each member owns (members owning none included).</summary>
    public static ImmutableDictionary<int, int> ShardsOwned(RingState ring, int shardCount)
    {
        var counts = ring.Members.ToDictionary(m => m.Node, _ => 0);
        if (ring.Ring.IsEmpty) return counts.ToImmutableDictionary();
        for (var s = 0; s < shardCount; s++) counts[ring.Ring.OwnerOf(ShardId(s))]++;
        return counts.ToImmutableDictionary();
    }

    /// <summary>The shard id of shard number <paramref name="shard"/>.</summary>
    public static string ShardId(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The shard of <paramref name="entityId"/> among <paramref name="shardCount"/> (a stable hash, equal on every node).</summary>
    public static string ShardOf(string entityId, int shardCount) =>
        ShardId((int)(RingHash.Of(entityId) % (ulong)shardCount));
}
