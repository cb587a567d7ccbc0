using System.Collections.Immutable;
using Actors.Core.Ring;
using Actors.Runtime.Sharding;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Sharding;

/// <summary>The ring allocation strategy with TestProbes standing in for the shard regions of nodes 1 to 4.</summary>
public sealed class RingShardAllocationStrategySpec : TestKit
{
    private static string Addr(int node) => $"akka.tcp://actors@127.0.0.1:{4052 + node}";

    private static RingState RingOf(params int[] nodes) =>
        new(3, nodes.Select(n => new RingMember(n, Addr(n), 1)).ToImmutableArray(), 128);

    private static readonly string[] Shards = Enumerable.Range(0, 100).Select(ShardPlacement.ShardId).ToArray();

    private readonly Dictionary<IActorRef, string> _addresses = new();
    private readonly IActorRef[] _regions;
    private RingState? _ring = RingOf(1, 2, 3);
    private string? _unsettled;
    private IReadOnlySet<string>? _serving;

    public RingShardAllocationStrategySpec()
    {
        _regions = Enumerable.Range(1, 4).Select(n =>
        {
            var probe = CreateTestProbe("region-" + n).Ref;
            _addresses[probe] = Addr(n);
            return probe;
        }).ToArray();
    }

    private RingShardAllocationStrategy Strategy(int limit = 100) =>
        new(limit, () => _ring, () => _unsettled, r => _addresses[r], () => _serving);

    private static IReadOnlySet<string> Serving(params int[] nodes) => nodes.Select(Addr).ToHashSet();

    private IActorRef Region(int node) => _regions[node - 1];

    /// <summary>Every shard on the owner of <paramref name="ring"/>, for regions 1..<paramref name="nodes"/>.</summary>
    private IImmutableDictionary<IActorRef, IImmutableList<string>> Placed(RingState ring, int nodes)
    {
        var map = Enumerable.Range(1, nodes).ToDictionary(Region, _ => ImmutableList<string>.Empty);
        foreach (var s in Shards) map[Region(ring.Ring.OwnerOf(s))] = map[Region(ring.Ring.OwnerOf(s))].Add(s);
        return map.ToImmutableDictionary(p => p.Key, p => (IImmutableList<string>)p.Value);
    }

    [Fact]
    public async Task A_shard_is_allocated_to_its_ring_owners_region_whoever_asks()
    {
        var strategy = Strategy();
        var empty = Enumerable.Range(1, 3).ToImmutableDictionary(Region, _ => (IImmutableList<string>)ImmutableList<string>.Empty);
        foreach (var shard in Shards)
        {
            var owner = _ring!.Ring.OwnerOf(shard);
            Assert.Same(Region(owner), await strategy.AllocateShard(Region(1), shard, empty));
            Assert.Same(Region(owner), await strategy.AllocateShard(Region(3), shard, empty));
        }
    }

    [Fact]
    public async Task While_the_owner_has_no_region_a_shard_goes_to_the_next_member_along_the_ring()
    {
        var strategy = Strategy();
        var withoutTwo = new[] { 1, 3 }.ToImmutableDictionary(Region, _ => (IImmutableList<string>)ImmutableList<string>.Empty);
        var ofTwo = Shards.Where(s => _ring!.Ring.OwnerOf(s) == 2).ToList();
        Assert.NotEmpty(ofTwo);
        foreach (var shard in ofTwo)
        {
            var next = _ring!.Ring.OwnersFrom(shard).Skip(1).First();
            Assert.Same(Region(next), await strategy.AllocateShard(Region(1), shard, withoutTwo));
        }
        // No ring yet (the replica is recovering): the requester hosts it.
        _ring = null;
        Assert.Same(Region(3), await strategy.AllocateShard(Region(3), ofTwo[0], withoutTwo));
    }

    [Fact]
    public async Task A_rebalance_after_a_join_moves_the_shards_whose_owner_changed_at_most_the_limit_per_round()
    {
        var before = _ring!;
        var placed = Placed(before, 3).Add(Region(4), ImmutableList<string>.Empty);
        _ring = RingOf(1, 2, 3, 4);
        var changed = Shards.Where(s => before.Ring.OwnerOf(s) != _ring.Ring.OwnerOf(s)).ToHashSet();
        Assert.NotEmpty(changed);

        Assert.Equal(changed, (await Strategy().Rebalance(placed, ImmutableHashSet<string>.Empty)).ToHashSet());
        var limited = await Strategy(limit: 4).Rebalance(placed, ImmutableHashSet<string>.Empty);
        Assert.Equal(4, limited.Count);
        Assert.Subset(changed, limited.ToHashSet());
        // Shards already moving are not asked for again.
        var next = await Strategy(limit: 4).Rebalance(placed, limited);
        Assert.Empty(next.Intersect(limited));
        // Once each sits on its owner, nothing moves.
        Assert.Empty(await Strategy().Rebalance(Placed(_ring, 4), ImmutableHashSet<string>.Empty));
    }

    [Fact]
    public async Task Nothing_is_rebalanced_while_a_member_is_unreachable_or_joining()
    {
        var placed = Placed(_ring!, 3).Add(Region(4), ImmutableList<string>.Empty);
        _ring = RingOf(1, 2, 3, 4);
        _unsettled = "1 member(s) unreachable";
        Assert.Empty(await Strategy().Rebalance(placed, ImmutableHashSet<string>.Empty));
        _unsettled = null;
        Assert.NotEmpty(await Strategy().Rebalance(placed, ImmutableHashSet<string>.Empty));
    }

    [Fact]
    public async Task No_shard_is_handed_off_from_a_region_whose_node_is_no_longer_up()
    {
        // Node 2 crashed, was removed and left the ring; the coordinator still lists its region while its termination is
        // in progress. A handoff from it would wait for the handoff timeout: its shards are reallocated once it is gone.
        var placed = Placed(_ring!, 3);
        _ring = RingOf(1, 3);
        _serving = Serving(1, 3);
        var ofTwo = placed[Region(2)].ToHashSet();
        Assert.NotEmpty(ofTwo);
        var moves = await Strategy().Rebalance(placed, ImmutableHashSet<string>.Empty);
        Assert.Empty(moves.Intersect(ofTwo));
    }

    [Fact]
    public async Task A_shard_whose_owner_is_not_up_goes_to_the_next_member_along_the_ring_that_is()
    {
        var strategy = Strategy();
        var all = Enumerable.Range(1, 3).ToImmutableDictionary(Region, _ => (IImmutableList<string>)ImmutableList<string>.Empty);
        _serving = Serving(1, 3); // node 2 is leaving or down, its region still registered
        foreach (var shard in Shards.Where(s => _ring!.Ring.OwnerOf(s) == 2))
        {
            var next = _ring!.Ring.OwnersFrom(shard).Skip(1).First();
            Assert.Same(Region(next), await strategy.AllocateShard(Region(1), shard, all));
        }
        // A shard owned by an Up member whose region is elsewhere moves to it; one owned by node 2 does not.
        _ring = RingOf(1, 2, 3);
        var placed = Placed(RingOf(1, 3), 3);
        var moves = await strategy.Rebalance(placed, ImmutableHashSet<string>.Empty);
        Assert.All(moves, shard => Assert.NotEqual(2, _ring.Ring.OwnerOf(shard)));
    }

    [Fact]
    public async Task Two_regions_at_one_address_neither_throw_nor_move_shards_until_one_is_gone()
    {
        // Node 3 restarted on its address; the coordinator still holds its old incarnation's region.
        var restarted = CreateTestProbe("region-3-new").Ref;
        _addresses[restarted] = Addr(3);
        var before = _ring!;
        var placed = Placed(before, 3).Add(restarted, ImmutableList<string>.Empty).Add(Region(4), ImmutableList<string>.Empty);
        _ring = RingOf(1, 2, 3, 4);

        var moves = await Strategy().Rebalance(placed, ImmutableHashSet<string>.Empty);
        Assert.NotEmpty(moves); // shards now owned by node 4 still move
        Assert.Empty(moves.Intersect(placed[Region(3)]));

        var ofThree = Shards.First(s => _ring.Ring.OwnerOf(s) == 3);
        Assert.Same(restarted, await Strategy().AllocateShard(restarted, ofThree, placed));
        Assert.Same(Region(3), await Strategy().AllocateShard(Region(3), ofThree, placed));
    }
}
