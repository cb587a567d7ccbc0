using System.Text.Json;
using Actors.Cluster.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

public sealed class LearnerClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Learners_serve_writes_and_reads_catch_up_after_a_restart_survive_the_leaders_death_and_join_later()
    {
        // The extra configuration must reach every node, learners and the node added later included.
        await using var c = TestClusters.Create(remoteBase: 24210, cmdBase: 29210, extraConfig: "actors.kv.max-value-bytes = 1000");
        var start = await c.Script("start", "5", "--acceptors", "3");
        output.WriteLine(start.ToString());
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("node 5 (learner)", start.Stdout);

        output.WriteLine("-- a write through learner 5 is read through learner 4");
        var put = await c.CliUntil(5, 0, Within, "kv", "put", "l", "through-learner");
        Assert.True(put.ExitCode == 0, put.ToString());
        var get = await c.CliUntil(4, 0, Within, "kv", "get", "l");
        Assert.Equal("through-learner", get.Stdout.Trim());

        var status = await c.Cli(5, "paxos", "status");
        output.WriteLine(status.Stdout);
        Assert.Contains("role:           learner", status.Stdout);
        Assert.Contains("learners:", status.Stdout);
        using (var doc = JsonDocument.Parse((await c.Cli(5, "--json", "paxos", "status")).Stdout))
        {
            Assert.Equal("learner", doc.RootElement.GetProperty("role").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("members").GetArrayLength());
            var learners = doc.RootElement.GetProperty("learners").EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).Order().ToArray();
            Assert.Equal([4, 5], learners);
        }
        var big = await c.Cli(4, "kv", "put", "big", new string('v', 2000));
        Assert.Equal(2, big.ExitCode);
        Assert.Contains("limit", big.Stderr);

        output.WriteLine("-- learner 5 is killed, writes go on through learner 4, node 5 restarts and catches up");
        Assert.Equal(0, (await c.Script("kill", "5")).ExitCode);
        for (var i = 0; i < 10; i++)
            Assert.Equal(0, (await c.CliUntil(4, 0, Within, "kv", "put", $"down{i}", $"v{i}")).ExitCode);
        var restart = await c.Script("restart", "5");
        Assert.True(restart.ExitCode == 0, restart.ToString());
        for (var i = 0; i < 10; i++)
            Assert.Equal($"v{i}", (await c.CliUntil(5, 0, Within, "kv", "get", $"down{i}")).Stdout.Trim());

        output.WriteLine("-- the leader is killed; writes through the learners resume under a new leader");
        var leader = await c.Leader(4) ?? throw new Xunit.Sdk.XunitException("learner 4 follows no leader");
        Assert.InRange(leader, 1, 3);
        Assert.Equal(0, (await c.Script("kill", leader.ToString())).ExitCode);
        var afterKill = await c.CliUntil(5, 0, Within, "kv", "put", "l", "after-leader-died");
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        Assert.Equal("after-leader-died", (await c.CliUntil(4, 0, Within, "kv", "get", "l")).Stdout.Trim());
        var newLeader = await c.Leader(4);
        Assert.NotNull(newLeader);
        Assert.NotEqual(leader, newLeader);

        output.WriteLine("-- a sixth node is added as a learner and serves reads");
        var add = await c.Script("add");
        output.WriteLine(add.ToString());
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal("after-leader-died", (await c.CliUntil(6, 0, Within, "kv", "get", "l")).Stdout.Trim());
        Assert.Equal("v9", (await c.CliUntil(6, 0, Within, "kv", "get", "down9")).Stdout.Trim());
        Assert.Contains("role:           learner", (await c.Cli(6, "paxos", "status")).Stdout);
        var bigOnAdded = await c.Cli(6, "kv", "put", "big", new string('v', 2000));
        Assert.Equal(2, bigOnAdded.ExitCode);
        Assert.Contains("limit", bigOnAdded.Stderr);
    }
}
