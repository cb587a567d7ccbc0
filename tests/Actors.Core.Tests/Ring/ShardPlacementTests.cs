using System.Collections.Immutable;
using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Ring;

public sealed class ShardPlacementTests
{
    private static string Addr(int node) => $"akka.tcp://actors@127.0.0.1:{4052 + node}";

    private static RingState RingOf(params int[] nodes) =>
        new(5, nodes.Select(n => new RingMember(n, Addr(n), 1)).ToImmutableArray(), 128);

    private static readonly ImmutableArray<string> Shards = Enumerable.Range(0, 100).Select(ShardPlacement.ShardId).ToImmutableArray();

    [Fact]
    public void A_shard_goes_to_its_ring_owner_when_the_owner_has_a_region()
    {
        var ring = RingOf(1, 2, 3);
        var regions = new HashSet<string> { Addr(1), Addr(2), Addr(3) };
        foreach (var shard in Shards)
            Assert.Equal(Addr(ring.Ring.OwnerOf(shard)), ShardPlacement.Allocate(ring, shard, regions, Addr(1)));
        // Every member owns some of 100 shards.
        Assert.All(ShardPlacement.ShardsOwned(ring, 100), p => Assert.InRange(p.Value, 15, 55));
        Assert.Equal(100, ShardPlacement.ShardsOwned(ring, 100).Values.Sum());
    }

    [Fact]
    public void Without_the_owners_region_a_shard_falls_back_along_the_ring_and_without_any_to_the_requester()
    {
        var ring = RingOf(1, 2, 3);
        var shard = Shards.First(s => ring.Ring.OwnerOf(s) == 2);
        var next = ring.Ring.OwnersFrom(shard).Skip(1).First();
        var withoutOwner = new HashSet<string> { Addr(1), Addr(3) };
        Assert.Equal(Addr(next), ShardPlacement.Allocate(ring, shard, withoutOwner, Addr(9)));
        Assert.Equal(Addr(9), ShardPlacement.Allocate(ring, shard, new HashSet<string> { Addr(9) }, Addr(9)));
        Assert.Equal(Addr(9), ShardPlacement.Allocate(null, shard, withoutOwner, Addr(9)));
        Assert.Equal(Addr(9), ShardPlacement.Allocate(RingState.Empty(128), shard, withoutOwner, Addr(9)));
    }

    [Fact]
    public void A_rebalance_moves_exactly_the_shards_whose_owner_changed_when_a_node_joins()
    {
        var before = RingOf(1, 2, 3);
        var after = RingOf(1, 2, 3, 4);
        var allocations = Allocations(before, 3);
        allocations[Addr(4)] = [];
        var moves = ShardPlacement.Rebalance(after, allocations, new HashSet<string>(), int.MaxValue);
        var changed = Shards.Where(s => before.Ring.OwnerOf(s) != after.Ring.OwnerOf(s)).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(changed, moves);
        Assert.All(moves, s => Assert.Equal(4, after.Ring.OwnerOf(s))); // a join only takes shards
        Assert.InRange(moves.Length, 10, 40); // about a quarter
    }

    [Fact]
    public void A_rebalance_moves_at_most_the_limit_skips_shards_moving_and_shards_whose_owner_has_no_region()
    {
        var before = RingOf(1, 2, 3);
        var after = RingOf(1, 2, 3, 4);
        var allocations = Allocations(before, 3);
        allocations[Addr(4)] = [];
        var all = ShardPlacement.Rebalance(after, allocations, new HashSet<string>(), int.MaxValue);

        Assert.Equal(all.Take(5), ShardPlacement.Rebalance(after, allocations, new HashSet<string>(), 5));
        var moving = new HashSet<string> { all[0], all[1] };
        Assert.Equal(all.Skip(2).Take(3), ShardPlacement.Rebalance(after, allocations, moving, 3));

        allocations.Remove(Addr(4));
        Assert.Empty(ShardPlacement.Rebalance(after, allocations, new HashSet<string>(), int.MaxValue));
        Assert.Empty(ShardPlacement.Rebalance(before, Allocations(before, 3), new HashSet<string>(), int.MaxValue));
        Assert.Empty(ShardPlacement.Rebalance(null, allocations, new HashSet<string>(), 10));
    }

    [Fact]
    public void When_a_member_leaves_only_its_shards_move_and_a_drained_member_keeps_none()
    {
        var four = RingOf(1, 2, 3, 4);
        var allocations = Allocations(four, 4);
        var three = RingOf(1, 2, 3);
        var moves = ShardPlacement.Rebalance(three, allocations, new HashSet<string>(), int.MaxValue);
        Assert.Equal(allocations[Addr(4)].OrderBy(s => s, StringComparer.Ordinal), moves);

        var drained = new RingState(9, four.Members.Select(m => m.Node == 2 ? m with { Status = RingMemberStatus.Draining } : m).ToImmutableArray(), 128);
        Assert.Equal(0, ShardPlacement.ShardsOwned(drained, 100)[2]);
        Assert.Equal(allocations[Addr(2)].OrderBy(s => s, StringComparer.Ordinal),
            ShardPlacement.Rebalance(drained, allocations, new HashSet<string>(), int.MaxValue));
    }

    [Fact]
    public void The_shard_of_an_entity_is_stable_and_in_range()
    {
        Assert.Equal(ShardPlacement.ShardOf("c1", 100), ShardPlacement.ShardOf("c1", 100));
        var shards = Enumerable.Range(0, 5000).Select(i => int.Parse(ShardPlacement.ShardOf("entity-" + i, 100))).ToList();
        Assert.All(shards, s => Assert.InRange(s, 0, 99));
        Assert.Equal(100, shards.Distinct().Count());
        // Pinned: a different hash would move every entity of a running cluster.
        Assert.Equal(((int)(RingHash.Of("c1") % 100)).ToString(), ShardPlacement.ShardOf("c1", 100));
    }

    /// <summary>Every shard on its owner in <paramref name="ring"/>, for nodes 1..<paramref name="nodes"/>.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Allocations(RingState ring, int nodes)
    {
        var map = Enumerable.Range(1, nodes).ToDictionary(Addr, _ => new List<string>());
        foreach (var s in Shards) map[Addr(ring.Ring.OwnerOf(s))].Add(s);
        return map.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value);
    }
}
