using System.Text;
using Actors.Contracts.Kv;
using Actors.Core.Paxos;
using Actors.Runtime.Paxos;
using Actors.Runtime.Tests.Support;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class PartitionSpec
{
    [Fact]
    public async Task An_isolated_leader_is_replaced_and_catches_up_after_the_partition_heals()
    {
        await using var c = new LocalCluster(3);
        var old = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var others = Enumerable.Range(0, 3).Where(i => i != old).ToArray();
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKv(others[0], new Put("p", Encoding.UTF8.GetBytes("before"), "ps", 1))).Status);

        await CutOffAndReplace(c, old, others);
        var put = await c.AskKvUntil(others[0], new Put("p", Encoding.UTF8.GetBytes("during"), "ps", 2), TimeSpan.FromSeconds(30),
            s => s == KvReplyStatus.Timeout);
        Assert.Equal(KvReplyStatus.Ok, put.Status);

        foreach (var s in c.Systems) PaxosFaults.For(s!).Heal();
        var read = await c.AskKvUntil(old, new Get("p", "pr", 1), TimeSpan.FromSeconds(30), s => s == KvReplyStatus.Timeout);
        Assert.Equal("during", Encoding.UTF8.GetString(read.Value!));
    }

    [Fact]
    public async Task A_leader_cut_off_from_the_acceptors_never_answers_a_read_while_a_new_leader_takes_writes()
    {
        await using var c = new LocalCluster(3);
        var old = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var others = Enumerable.Range(0, 3).Where(i => i != old).ToArray();
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(others[0], new Put("r", Encoding.UTF8.GetBytes("before"), "rw", 1), TimeSpan.FromSeconds(30))).Status);
        Assert.Equal("before", Encoding.UTF8.GetString((await c.AskKvUntil(old, new Get("r", "rr", 1), TimeSpan.FromSeconds(30))).Value!));

        await CutOffAndReplace(c, old, others);
        var put = await c.AskKvUntil(others[0], new Put("r", Encoding.UTF8.GetBytes("during"), "rw", 2), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Ok, put.Status);

        // Nothing tells the old leader it was deposed: it may still believe it leads (until it steps down for want of a
        // majority's answers, two election timeouts on), and its state still holds "before". Leading, it cannot get a majority to
        // confirm it, so its read index is never granted; stepped down, it knows no leader to ask: no answer, never "before".
        var stale = await c.AskKv(old, new Get("r", "rr", 2));
        Assert.Equal(KvReplyStatus.Timeout, stale.Status);

        foreach (var s in c.Systems) PaxosFaults.For(s!).Heal();
        var read = await c.AskKvUntil(old, new Get("r", "rr", 3), TimeSpan.FromSeconds(30));
        Assert.Equal("during", Encoding.UTF8.GetString(read.Value!));
    }

    [Fact]
    public async Task A_read_at_a_follower_the_decisions_reach_late_sees_a_write_the_leader_acknowledged_before_it()
    {
        await using var c = new LocalCluster(3);
        var leader = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var follower = Enumerable.Range(0, 3).First(i => i != leader);
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(leader, new Put("f", Encoding.UTF8.GetBytes("v1"), "fw", 1), TimeSpan.FromSeconds(30))).Status);
        Assert.Equal("v1", Encoding.UTF8.GetString((await c.AskKvUntil(follower, new Get("f", "fr", 1), TimeSpan.FromSeconds(30))).Value!));

        // Everything the leader sends the follower arrives two seconds late: the follower's state lags the leader's.
        PaxosFaults.For(c.Systems[leader]!).Delay([follower + 1], TimeSpan.FromSeconds(2));
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKv(leader, new Put("f", Encoding.UTF8.GetBytes("v2"), "fw", 2))).Status);
        var read = await c.AskKv(follower, new Get("f", "fr", 2));
        Assert.Equal(KvReplyStatus.Ok, read.Status);
        Assert.Equal("v2", Encoding.UTF8.GetString(read.Value!));
    }

    [Fact]
    public async Task A_read_at_a_follower_is_answered_when_every_grant_takes_longer_than_the_retransmit_time()
    {
        await using var c = new LocalCluster(3);
        var leader = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var follower = Enumerable.Range(0, 3).First(i => i != leader);
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(leader, new Put("g", Encoding.UTF8.GetBytes("v1"), "gw", 1), TimeSpan.FromSeconds(30))).Status);

        // The follower resends an unanswered read-index request every 4 ticks (200 ms here); each grant arrives 1 s late, when
        // four newer requests have gone out. A grant still answers the reads its request carried.
        PaxosFaults.For(c.Systems[leader]!).DelayGrants([follower + 1], TimeSpan.FromSeconds(1));
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKv(leader, new Put("g", Encoding.UTF8.GetBytes("v2"), "gw", 2))).Status);
        for (var i = 1; i <= 3; i++)
        {
            var read = await c.AskKv(follower, new Get("g", "gr", i));
            Assert.Equal(KvReplyStatus.Ok, read.Status);
            Assert.Equal("v2", Encoding.UTF8.GetString(read.Value!));
        }
    }

    /// <summary>Cuts the leader <paramref name="old"/> off from <paramref name="others"/> both ways and waits until they elect another.</summary>
    private static async Task CutOffAndReplace(LocalCluster c, int old, int[] others)
    {
        // Node ids are index + 1.
        PaxosFaults.For(c.Systems[old]!).Block(others.Select(i => i + 1));
        foreach (var i in others) PaxosFaults.For(c.Systems[i]!).Block([old + 1]);
        await c.AwaitAssertAsync(async () =>
        {
            var roles = new List<ProposerRole>();
            foreach (var i in others) roles.Add((await c.ProposerStatusOf(i)).Role);
            Assert.Contains(ProposerRole.Leader, roles);
        }, TimeSpan.FromSeconds(30));
    }
}
