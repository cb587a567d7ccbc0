using System.Diagnostics;
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

/// <summary>A node holding counters is killed (kill -9): its counters answer again, through another node, with their values.</summary>
public sealed class ShardFailoverClusterTests(ITestOutputHelper output)
{
    private const int Counters = 40;

    [Fact]
    public async Task Every_counter_of_a_killed_node_answers_again_with_its_value()
    {
        await using var c = TestClusters.Create(24230, 29230);
        var start = await c.Start(3);
        Assert.True(start.ExitCode == 0, start.ToString());
        using var system = ActorSystem.Create("external", TestClusters.ClientConfig);
        // Reads go through node 1 only, so the client itself never waits on the killed node.
        await using var client = await ActorsClient.ConnectAsync(system, c.ContactPoints(1),
            new ActorsClientOptions(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2)));
        await Task.WhenAll(Enumerable.Range(0, Counters).Select(i => client.CounterAddAsync("f" + i, i + 1, "add-" + i)));

        // Which counters node 2 hosts, by the region that holds their shards (once the shards have moved to their ring
        // owners: a shard allocated before node 2's region registered moves to it at a rebalance).
        HashSet<string> OnTwo(ProcessRun stats)
        {
            if (stats.ExitCode != 0) return [];
            using var doc = JsonDocument.Parse(stats.Stdout);
            return doc.RootElement.GetProperty("regions").EnumerateArray()
                .Where(r => r.GetProperty("address").GetString() == c.RemoteAddress(2))
                .SelectMany(r => r.GetProperty("shardIds").EnumerateArray().Select(s => s.GetString()!))
                .ToHashSet();
        }
        List<int> Hosted(HashSet<string> shards) => Enumerable.Range(0, Counters).Where(i => shards.Contains(ShardPlacement.ShardOf("f" + i, 100))).ToList();
        var stats = await c.CliUntil(1, r => Hosted(OnTwo(r)).Count > 0, TimeSpan.FromSeconds(60), "--json", "cluster-sharding", "region-stats", "counter");
        var counters = Hosted(OnTwo(stats));
        Assert.NotEmpty(counters);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, (await c.Kill(2)).ExitCode);
        var answered = await Task.WhenAll(counters.Select(async i =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(120))
            {
                try
                {
                    return (Counter: i, Value: await client.CounterGetAsync("f" + i), At: clock.Elapsed);
                }
                catch (TimeoutException)
                {
                }
            }
            return (Counter: i, Value: -1L, At: clock.Elapsed);
        }));
        var last = answered.Max(a => a.At);
        output.WriteLine($"{counters.Count} counters of the killed node: the last answered again {last.TotalSeconds:0.0} s after kill -9");
        Assert.All(answered, a => Assert.Equal(a.Counter + 1, a.Value));
    }
}
