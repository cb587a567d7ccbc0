using Actors.Contracts.Counter;
using Actors.Core.Ring;
using Actors.Runtime.Ring;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Runtime.Tests.Sharding;

/// <summary>Counters sharded on the ring across ActorSystems in one process: placement, a join, a leave.</summary>
public sealed class ShardingSpec(ITestOutputHelper output)
{
    private const int Counters = 300;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static readonly Config Settings = ConfigurationFactory.ParseString("""
        actors.sharding.number-of-shards = 30
        akka.cluster.sharding.rebalance-interval = 1s
        """);

    private static string Id(int i) => "c" + i;

    /// <summary>The value counter i ends with: one add of i % 7 + 1.</summary>
    private static long Expected(int i) => i % 7 + 1;

    private static Task<RingState> RingOf(LocalCluster c, int node) =>
        c.Nodes[node]!.Ring.Ask<RingState>(GetRing.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Every running node's ring has exactly <paramref name="nodes"/> (ids) as members, at one version.</summary>
    private static async Task<RingState> AwaitRing(LocalCluster c, params int[] nodes)
    {
        RingState? agreed = null;
        await c.AwaitAssertAsync(async () =>
        {
            var rings = new List<RingState>();
            for (var i = 0; i < c.Systems.Length; i++)
                if (c.Systems[i] is not null) rings.Add(await RingOf(c, i));
            Assert.All(rings, r => Assert.Equal(nodes, r.Members.Select(m => m.Node)));
            Assert.Single(rings.Select(r => r.Version).Distinct());
            agreed = rings[0];
        }, Within);
        return agreed!;
    }

    /// <summary>The node address of each started shard of the counter type, as the regions report it.</summary>
    private static async Task<Dictionary<string, string>> Placement(LocalCluster c, int via)
    {
        var stats = await c.Nodes[via]!.Counter!.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10));
        Assert.All(stats.Regions.Values, r => Assert.Empty(r.Failed));
        var placement = new Dictionary<string, string>();
        foreach (var (address, region) in stats.Regions)
            foreach (var shard in region.Stats.Keys)
                placement[shard] = address.ToString();
        return placement;
    }

    /// <summary>Asks every counter for its value (which starts its shard where the ring says) and checks it.</summary>
    private static async Task CheckValues(LocalCluster c, int via)
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, Counters).Select(i =>
            c.Nodes[via]!.Counter!.Ask<CounterReply>(new CounterGet(Id(i)), TimeSpan.FromSeconds(30))));
        for (var i = 0; i < Counters; i++) Assert.Equal((Id(i), Expected(i)), (replies[i].CounterId, replies[i].Value));
    }

    /// <summary>Every shard the regions host is on its ring owner, and all 30 are started.</summary>
    private static async Task<Dictionary<string, string>> AwaitEveryShardOnItsOwner(LocalCluster c, int via, RingState ring)
    {
        Dictionary<string, string>? placement = null;
        await c.AwaitAssertAsync(async () =>
        {
            await CheckValues(c, via);
            var p = await Placement(c, via);
            Assert.Equal(30, p.Count);
            Assert.All(p, s => Assert.Equal(ShardPlacement.OwnerAddress(ring, s.Key), s.Value));
            placement = p;
        }, Within);
        return placement!;
    }

    [Fact]
    public async Task Counters_live_on_their_ring_owners_and_only_shards_whose_owner_changed_move_when_a_node_joins_and_leaves()
    {
        await using var c = new LocalCluster(4, acceptors: 3, extra: Settings, started: 3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var three = await AwaitRing(c, 1, 2, 3);

        // 300 counters, each added to once through any node's region (a retry with the same request id changes nothing).
        var adds = await Task.WhenAll(Enumerable.Range(0, Counters).Select(i =>
            c.Nodes[i % 3]!.Counter!.Ask<CounterReply>(new CounterAdd(Id(i), Expected(i), "add-" + i), TimeSpan.FromSeconds(30))));
        Assert.All(adds, a => Assert.Null(a.Error));
        var retry = await c.Nodes[1]!.Counter!.Ask<CounterReply>(new CounterAdd(Id(5), Expected(5), "add-5"), TimeSpan.FromSeconds(30));
        Assert.Equal((Expected(5), false), (retry.Value, retry.Applied));
        var before = await AwaitEveryShardOnItsOwner(c, 0, three);

        // A fourth node joins: the ring takes it, and exactly the shards whose owner changed move, to it.
        c.Start(3);
        var four = await AwaitRing(c, 1, 2, 3, 4);
        var changed = before.Keys.Where(s => ShardPlacement.OwnerAddress(three, s) != ShardPlacement.OwnerAddress(four, s)).ToHashSet();
        output.WriteLine($"join: {changed.Count} of 30 shards change owner");
        Assert.NotEmpty(changed);
        var afterJoin = await AwaitEveryShardOnItsOwner(c, 1, four);
        var moved = before.Keys.Where(s => before[s] != afterJoin[s]).ToHashSet();
        Assert.Equal(changed, moved);
        Assert.All(moved, s => Assert.Equal(c.AddressOf(3), afterJoin[s]));

        // The fourth node leaves: its shards go to their new owners, the others stay, and every counter keeps its value.
        await c.StopAsync(3);
        var back = await AwaitRing(c, 1, 2, 3);
        var afterLeave = await AwaitEveryShardOnItsOwner(c, 2, back);
        Assert.Equal(before, afterLeave);
    }
}
