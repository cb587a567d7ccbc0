using Actors.Core.Log;
using Actors.Core.Ring;
using Actors.Runtime.Ring;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Xunit;

namespace Actors.Runtime.Tests.Ring;

/// <summary>Ring membership agreed through the log, on several ActorSystems in one process.</summary>
public sealed class RingSpec
{
    private static Task<RingState> RingOf(LocalCluster c, int node) =>
        c.Nodes[node]!.Ring.Ask<RingState>(GetRing.Instance, TimeSpan.FromSeconds(5));

    private static Task<CommandResult> Submit(LocalCluster c, int node, RingOp op) =>
        c.Nodes[node]!.Entry.Ask<CommandResult>(new SubmitLogOp(op), TimeSpan.FromSeconds(15));

    /// <summary>Every running node holds the same ring, with <paramref name="check"/> true of it; returns it.</summary>
    private static async Task<RingState> AwaitSameRing(LocalCluster c, Action<RingState> check)
    {
        RingState? agreed = null;
        await c.AwaitAssertAsync(async () =>
        {
            var rings = new List<RingState>();
            for (var i = 0; i < c.Systems.Length; i++)
                if (c.Systems[i] is not null) rings.Add(await RingOf(c, i));
            Assert.Single(rings.Select(r => r.Version).Distinct());
            Assert.Single(rings.Select(r => string.Join(";", r.Members)).Distinct());
            check(rings[0]);
            agreed = rings[0];
        }, TimeSpan.FromSeconds(40));
        return agreed!;
    }

    [Fact]
    public async Task The_leader_puts_every_up_node_on_the_ring_and_every_node_agrees_on_members_and_version()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var ring = await AwaitSameRing(c, r => Assert.Equal([1, 2, 3], r.Members.Select(m => m.Node)));
        for (var i = 0; i < 3; i++) Assert.Equal(c.AddressOf(i), ring.Member(i + 1)!.Address);
        Assert.True(ring.Version >= 0);

        // Operators' changes go through the log too; bad ones are refused and change nothing.
        Assert.Equal(CommandStatus.Ok, (await Submit(c, 2, new RingWeight(1, 3))).Status);
        var weighed = await AwaitSameRing(c, r => Assert.Equal(3, r.Member(1)!.Weight));
        Assert.True(weighed.Version > ring.Version);
        var refused = await Submit(c, 0, new RingDrain(9));
        Assert.Equal((CommandStatus.Rejected, "ring: node 9 is not a ring member"), (refused.Status, refused.Error));
        Assert.Equal(weighed.Version, (await RingOf(c, 1)).Version);

        // Draining keeps the member and gives its share away: it owns no key.
        Assert.Equal(CommandStatus.Ok, (await Submit(c, 1, new RingDrain(2))).Status);
        var drained = await AwaitSameRing(c, r => Assert.Equal(RingMemberStatus.Draining, r.Member(2)!.Status));
        Assert.DoesNotContain(Enumerable.Range(0, 500).Select(k => drained.Ring.OwnerOf("key-" + k)), o => o == 2);
    }

    [Fact]
    public async Task A_node_removed_from_the_cluster_leaves_the_ring()
    {
        await using var c = new LocalCluster(4, acceptors: 3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        await AwaitSameRing(c, r => Assert.Equal([1, 2, 3, 4], r.Members.Select(m => m.Node)));

        // The learner stops; the split-brain resolver downs it and the cluster removes it.
        await c.StopAsync(3);
        var ring = await AwaitSameRing(c, r => Assert.Equal([1, 2, 3], r.Members.Select(m => m.Node)));
        Assert.Null(ring.Member(4));
    }
}
