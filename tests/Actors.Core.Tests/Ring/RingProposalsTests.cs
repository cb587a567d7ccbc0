using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Ring;

public sealed class RingProposalsTests
{
    private static readonly RingState TwoMembers = new(5, [new RingMember(1, "a1", 1), new RingMember(2, "a2", 1)], 16);

    private static readonly ClusterNode[] OnlyOne = [new ClusterNode(1, "a1", true, 1)];

    [Fact]
    public void A_member_absent_from_the_cluster_leaves_only_after_the_grace_in_whole_ticks()
    {
        var p = new RingProposals(absentGraceTicks: 3, proposeAgainTicks: 100);
        Assert.Empty(p.Plan(TwoMembers, OnlyOne)); // first seen absent now
        for (var i = 0; i < 2; i++)
        {
            p.Tick();
            Assert.Empty(p.Plan(TwoMembers, OnlyOne));
        }
        p.Tick();
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
    }

    [Fact]
    public void A_member_that_comes_back_within_the_grace_starts_it_anew_when_it_is_absent_again()
    {
        var p = new RingProposals(3, 100);
        p.Plan(TwoMembers, OnlyOne);
        p.Tick();
        p.Tick();
        p.Plan(TwoMembers, [.. OnlyOne, new ClusterNode(2, "a2", true, 1)]);
        p.Tick();
        Assert.Empty(p.Plan(TwoMembers, OnlyOne));
        p.Tick();
        p.Tick();
        Assert.Empty(p.Plan(TwoMembers, OnlyOne));
        p.Tick();
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
    }

    [Fact]
    public void A_member_seen_removed_leaves_at_once_and_one_seen_again_is_no_longer_removed()
    {
        var p = new RingProposals(1000, 100);
        p.Removed(2);
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));

        var q = new RingProposals(1000, 100);
        q.Removed(2);
        q.Plan(TwoMembers, [.. OnlyOne, new ClusterNode(2, "a2", true, 1)]); // back under the same id
        Assert.Empty(q.Plan(TwoMembers, OnlyOne));
    }

    [Fact]
    public void An_operation_is_proposed_once_until_it_is_due_again()
    {
        var p = new RingProposals(absentGraceTicks: 0, proposeAgainTicks: 3);
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
        p.Tick();
        p.Tick();
        Assert.Empty(p.Plan(TwoMembers, OnlyOne));
        p.Tick();
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
    }

    [Fact]
    public void A_node_that_stops_leading_forgets_its_proposals_and_the_absences_it_timed()
    {
        var p = new RingProposals(absentGraceTicks: 2, proposeAgainTicks: 100);
        p.Plan(TwoMembers, OnlyOne);
        p.Tick();
        p.Tick();
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
        p.NotLeading();
        // Leading again: the grace starts over, and the leave is proposed again once it has passed.
        Assert.Empty(p.Plan(TwoMembers, OnlyOne));
        p.Tick();
        p.Tick();
        Assert.Equal([new RingLeave(2)], p.Plan(TwoMembers, OnlyOne));
    }
}
