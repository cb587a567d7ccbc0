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

        // Node ids are index + 1. Cut the leader off in both directions.
        PaxosFaults.For(c.Systems[old]!).Block(others.Select(i => i + 1));
        foreach (var i in others) PaxosFaults.For(c.Systems[i]!).Block([old + 1]);

        await c.AwaitAssertAsync(async () =>
        {
            var roles = new List<ProposerRole>();
            foreach (var i in others) roles.Add((await c.ProposerStatusOf(i)).Role);
            Assert.Contains(ProposerRole.Leader, roles);
        }, TimeSpan.FromSeconds(30));
        var put = await c.AskKvUntil(others[0], new Put("p", Encoding.UTF8.GetBytes("during"), "ps", 2), TimeSpan.FromSeconds(30),
            s => s == KvReplyStatus.Timeout);
        Assert.Equal(KvReplyStatus.Ok, put.Status);

        foreach (var s in c.Systems) PaxosFaults.For(s!).Heal();
        var read = await c.AskKvUntil(old, new Get("p", "pr", 1), TimeSpan.FromSeconds(30), s => s == KvReplyStatus.Timeout);
        Assert.Equal("during", Encoding.UTF8.GetString(read.Value!));
    }
}
