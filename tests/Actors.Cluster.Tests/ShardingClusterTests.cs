using System.Collections.Immutable;
using System.Text.Json;
using Actors.Cluster.Tests.Support;
using Actors.Contracts.Client;
using Actors.Core.Ring;
using Actors.Testing.Processes;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

/// <summary>Counters sharded on the ring of a cluster of real processes: placement, a node added, a node killed.</summary>
public sealed class ShardingClusterTests(ITestOutputHelper output)
{
    private const int Counters = 300;
    private const int Shards = 100;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    private static string Id(int i) => "c" + i;

    /// <summary>Shards holding at least one of the counters (a few of the 100 hold none of 300).</summary>
    private static readonly int UsedShards = Enumerable.Range(0, Counters).Select(i => ShardPlacement.ShardOf(Id(i), Shards)).Distinct().Count();

    private static long Expected(int i) => i % 5 + 1;

    /// <summary>The ring node <paramref name="node"/> reports with <c>ring show --json</c>.</summary>
    private static async Task<RingState?> Ring(LocalClusterProcess c, int node)
    {
        var run = await c.Cli(node, "--json", "ring", "show");
        if (run.ExitCode != 0) return null;
        using var doc = JsonDocument.Parse(run.Stdout);
        var members = doc.RootElement.GetProperty("members").EnumerateArray().Select(m => new RingMember(
            m.GetProperty("node").GetInt32(), m.GetProperty("address").GetString()!, m.GetProperty("weight").GetDouble(),
            m.GetProperty("status").GetString() == "draining" ? RingMemberStatus.Draining : RingMemberStatus.Active)).ToImmutableArray();
        return new RingState(doc.RootElement.GetProperty("version").GetInt64(), members, HashRing.DefaultVirtualNodesPerWeight);
    }

    /// <summary>Waits until every node in <paramref name="nodes"/> reports the same ring with exactly those members.</summary>
    private static async Task<RingState> AwaitRing(LocalClusterProcess c, params int[] nodes)
    {
        RingState? agreed = null;
        var ok = await LocalClusterProcess.WaitUntil(async () =>
        {
            var rings = new List<RingState?>();
            foreach (var n in nodes) rings.Add(await Ring(c, n));
            if (rings.Any(r => r is null || !r.Members.Select(m => m.Node).SequenceEqual(nodes))) return false;
            if (rings.Select(r => r!.Version).Distinct().Count() != 1) return false;
            agreed = rings[0];
            return true;
        }, Within);
        Assert.True(ok, $"nodes {string.Join(",", nodes)} did not agree on a ring of exactly those members");
        return agreed!;
    }

    /// <summary>Shard id → address of the region hosting it, from <c>cluster-sharding region-stats counter --json</c>.</summary>
    private static async Task<Dictionary<string, string>?> Placement(LocalClusterProcess c, int node)
    {
        var run = await c.Cli(node, "--json", "cluster-sharding", "region-stats", "counter");
        if (run.ExitCode != 0) return null;
        using var doc = JsonDocument.Parse(run.Stdout);
        var placement = new Dictionary<string, string>();
        foreach (var region in doc.RootElement.GetProperty("regions").EnumerateArray())
        {
            if (region.GetProperty("failed").GetInt32() > 0) return null;
            foreach (var shard in region.GetProperty("shardIds").EnumerateArray())
                placement[shard.GetString()!] = region.GetProperty("address").GetString()!;
        }
        return placement;
    }

    /// <summary>Reads every counter (which starts its shard where the ring says) until every shard sits on its ring owner.</summary>
    private async Task<Dictionary<string, string>> AwaitEveryShardOnItsOwner(LocalClusterProcess c, ActorsClient client, int via, RingState ring)
    {
        Dictionary<string, string>? placement = null;
        var ok = await LocalClusterProcess.WaitUntil(async () =>
        {
            var values = await Task.WhenAll(Enumerable.Range(0, Counters).Select(i => client.CounterGetAsync(Id(i))));
            for (var i = 0; i < Counters; i++) Assert.Equal(Expected(i), values[i]);
            var p = await Placement(c, via);
            if (p is null || p.Count != UsedShards) return false;
            if (p.Any(s => ShardPlacement.OwnerAddress(ring, s.Key) != s.Value)) return false;
            placement = p;
            return true;
        }, Within);
        Assert.True(ok, "the shards did not settle on their ring owners");
        return placement!;
    }

    [Fact]
    public async Task Counters_stay_on_their_ring_owners_keep_their_values_and_only_move_when_their_owner_changes()
    {
        await using var c = TestClusters.Create(24210, 29210);
        var start = await c.Start(3);
        Assert.True(start.ExitCode == 0, start.ToString());

        // The commands a user types: add on one node, read on another.
        var add = await c.CliUntil(1, 0, Within, "counter", "add", "c1", "5");
        Assert.Equal("5", add.Stdout.Trim());
        Assert.Equal("5", (await c.Cli(3, "counter", "get", "c1")).Stdout.Trim());
        var bad = await c.Cli(2, "counter", "add", "c1", "many");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("N must be a whole number", bad.Stderr + bad.Stdout);
        Assert.Equal("5", (await c.Cli(2, "counter", "get", "c1")).Stdout.Trim());
        var three = await AwaitRing(c, 1, 2, 3);

        using var system = ActorSystem.Create("external", TestClusters.ClientConfig);
        await using var client = await ActorsClient.ConnectAsync(system, c.ContactPoints(3),
            new ActorsClientOptions(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5)));
        await Task.WhenAll(Enumerable.Range(0, Counters).Select(i => client.CounterAddAsync(Id(i), Expected(i) - (i == 1 ? 5 : 0), "add-" + i)));
        // c1 had 5 from the command line: its add above made it Expected(1) in all.
        Assert.Equal(Expected(1), await client.CounterGetAsync("c1"));
        Assert.Equal(Expected(1), (await client.AskEntityAsync<Actors.Contracts.Counter.CounterReply>("counter", new Actors.Contracts.Counter.CounterGet("c1"))).Value);
        Assert.Equal(Expected(7), await client.CounterAddAsync(Id(7), Expected(7), "add-7")); // a retry: applied once
        var before = await AwaitEveryShardOnItsOwner(c, client, 1, three);

        // A fourth node: exactly the shards whose owner changed move, all to it.
        var added = await c.Script("add");
        Assert.True(added.ExitCode == 0, added.ToString());
        var four = await AwaitRing(c, 1, 2, 3, 4);
        var afterJoin = await AwaitEveryShardOnItsOwner(c, client, 2, four);
        var changed = before.Keys.Where(s => ShardPlacement.OwnerAddress(three, s) != ShardPlacement.OwnerAddress(four, s)).ToHashSet();
        var moved = before.Keys.Where(s => before[s] != afterJoin[s]).ToHashSet();
        output.WriteLine($"join: {moved.Count} of {Shards} shards moved");
        Assert.NotEmpty(changed);
        Assert.Equal(changed, moved);
        Assert.All(moved, s => Assert.Equal(c.RemoteAddress(4), afterJoin[s]));
        var stats = await c.Cli(1, "cluster-sharding", "region-stats", "counter");
        output.WriteLine(stats.Stdout);
        Assert.Matches($@"{c.RemoteAddress(4).Replace(".", @"\.")}\s+{moved.Count}\s+\d+", stats.Stdout);

        // The fourth node is killed and removed: its shards go to their new owners and its counters keep their values.
        Assert.Equal(0, (await c.Kill(4)).ExitCode);
        var back = await AwaitRing(c, 1, 2, 3);
        var afterKill = await AwaitEveryShardOnItsOwner(c, client, 3, back);
        Assert.Equal(before, afterKill);
    }
}
