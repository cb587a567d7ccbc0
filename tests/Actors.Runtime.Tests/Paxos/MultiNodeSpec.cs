using System.Text;
using Actors.Contracts.Kv;
using Actors.Runtime.Tests.Support;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class MultiNodeSpec
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Commands_commit_survive_the_leaders_death_and_a_restarted_node_catches_up()
    {
        await using var c = new LocalCluster(3);
        var leader = await c.AwaitLeader(TimeSpan.FromSeconds(30));

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(0, new Put("a", B("1"), "t1", 1), TimeSpan.FromSeconds(20))).Status);
        var read = await c.AskKvUntil(2, new Get("a", "t1", 2), TimeSpan.FromSeconds(20));
        Assert.Equal(KvReplyStatus.Ok, read.Status);
        Assert.Equal("1", Encoding.UTF8.GetString(read.Value!));

        // Enough writes to pass a snapshot (snapshot-every = 20), so catch-up needs the snapshot too.
        for (var i = 0; i < 30; i++)
            Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(i % 3, new Put($"k{i}", B($"v{i}"), "t2", i + 1), TimeSpan.FromSeconds(20))).Status);

        await c.StopAsync(leader);
        var survivor = (leader + 1) % 3;
        var newLeader = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        Assert.NotEqual(leader, newLeader);

        var afterFailover = await c.AskKvUntil(survivor, new Get("a", "t3", 1), TimeSpan.FromSeconds(30));
        Assert.Equal("1", Encoding.UTF8.GetString(afterFailover.Value!));
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(survivor, new Put("a", B("2"), "t3", 2), TimeSpan.FromSeconds(30))).Status);
        for (var i = 30; i < 60; i++)
            Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(survivor, new Put($"k{i}", B($"v{i}"), "t3", i + 3), TimeSpan.FromSeconds(20))).Status);

        c.Start(leader);
        var target = (await c.ReplicaStatusOf(survivor)).LastApplied;
        await c.AwaitAssertAsync(async () =>
        {
            var applied = (await c.ReplicaStatusOf(leader)).LastApplied;
            Assert.True(applied >= target, $"restarted node applied through {applied}, cluster through {target}");
        }, TimeSpan.FromSeconds(60));

        var fromRestarted = await c.AskKvUntil(leader, new Get("a", "t4", 1), TimeSpan.FromSeconds(30));
        Assert.Equal("2", Encoding.UTF8.GetString(fromRestarted.Value!));
        var k59 = await c.AskKvUntil(leader, new Get("k59", "t4", 2), TimeSpan.FromSeconds(30));
        Assert.Equal("v59", Encoding.UTF8.GetString(k59.Value!));
    }

    [Fact]
    public async Task Invalid_requests_are_rejected_and_the_node_keeps_serving()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));

        var empty = await c.AskKv(1, new Put("", B("x")));
        Assert.Equal(KvReplyStatus.Rejected, empty.Status);
        Assert.Contains("empty", empty.Error);

        var big = await c.AskKv(1, new Put("big", new byte[1024 * 1024 + 1]));
        Assert.Equal(KvReplyStatus.Rejected, big.Status);
        Assert.Contains("limit", big.Error);

        var longKey = await c.AskKv(1, new Put(new string('k', 1025), B("x")));
        Assert.Equal(KvReplyStatus.Rejected, longKey.Status);

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(1, new Put("ok", B("fine")), TimeSpan.FromSeconds(20))).Status);
        Assert.Equal(KvReplyStatus.NotFound, (await c.AskKvUntil(1, new Get("big"), TimeSpan.FromSeconds(20))).Status);
    }

    [Fact]
    public async Task A_retried_command_is_applied_once_and_gets_the_original_reply()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(0, new Put("x", B("a"), "dup", 1), TimeSpan.FromSeconds(20))).Status);
        var cas = await c.AskKvUntil(0, new CompareAndSet("x", B("a"), B("b"), "dup", 2), TimeSpan.FromSeconds(20));
        Assert.Equal(KvReplyStatus.Ok, cas.Status);
        // The same command again, through another node: not applied again (a second cas would fail), same reply.
        var retried = await c.AskKvUntil(2, new CompareAndSet("x", B("a"), B("b"), "dup", 2), TimeSpan.FromSeconds(20));
        Assert.Equal(KvReplyStatus.Ok, retried.Status);
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(1, new Put("x", B("c"), "other", 1), TimeSpan.FromSeconds(20))).Status);
        var again = await c.AskKvUntil(1, new CompareAndSet("x", B("a"), B("b"), "dup", 2), TimeSpan.FromSeconds(20));
        Assert.Equal(KvReplyStatus.Ok, again.Status);
        var value = await c.AskKvUntil(1, new Get("x"), TimeSpan.FromSeconds(20));
        Assert.Equal("c", Encoding.UTF8.GetString(value.Value!));
    }
}
