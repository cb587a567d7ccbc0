using System.Collections.Immutable;
using Actors.Core.Log;
using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Ring;

public sealed class RingStateMachineTests
{
    private static readonly RingJoin Join1 = new(1, "akka.tcp://actors@127.0.0.1:4053", 1);

    [Fact]
    public void A_change_sets_the_version_to_its_slot_and_a_repeat_changes_nothing()
    {
        var ring = new RingStateMachine(128);
        Assert.Equal(-1, ring.State.Version);
        Assert.Equal(CommandStatus.Ok, ring.Execute(Join1, 7).Status);
        var afterJoin = ring.State;
        Assert.Equal(7, afterJoin.Version);

        // The same join again (a deposed leader's duplicate, a retry): Ok, and the very same state.
        Assert.Equal(CommandStatus.Ok, ring.Execute(Join1, 9).Status);
        Assert.Same(afterJoin, ring.State);
        Assert.Equal(CommandStatus.Ok, ring.Execute(new RingLeave(5), 10).Status);
        Assert.Same(afterJoin, ring.State);
    }

    [Fact]
    public void A_rejoin_at_a_new_address_keeps_the_weight_and_the_drain()
    {
        var ring = new RingStateMachine(128);
        ring.Execute(Join1, 1);
        ring.Execute(new RingWeight(1, 3), 2);
        ring.Execute(new RingDrain(1), 3);
        ring.Execute(new RingJoin(1, "akka.tcp://actors@127.0.0.1:5000", 1), 4);
        var m = ring.State.Member(1)!;
        Assert.Equal(("akka.tcp://actors@127.0.0.1:5000", 3.0, RingMemberStatus.Draining), (m.Address, m.Weight, m.Status));
        Assert.Equal(4, ring.State.Version);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(100.5)]
    [InlineData(1e12)] // saturates an int: every node would build a ring of ~2^31 positions
    public void A_weight_outside_0_to_100_is_rejected_and_nothing_changes(double weight)
    {
        var ring = new RingStateMachine(128);
        ring.Execute(Join1, 1);
        var before = ring.State;
        var result = ring.Execute(new RingWeight(1, weight), 2);
        Assert.Equal(CommandStatus.Rejected, result.Status);
        Assert.Contains("not a number above 0 and at most 100", result.Error);
        Assert.Same(before, ring.State);
        Assert.Equal(CommandStatus.Rejected, ring.Execute(new RingJoin(2, "a", weight), 3).Status);
        Assert.Same(before, ring.State);
    }

    [Fact]
    public void Draining_or_reweighing_an_unknown_node_is_rejected_with_a_clear_error()
    {
        var ring = new RingStateMachine(128);
        ring.Execute(Join1, 1);
        var before = ring.State;
        Assert.Equal("ring: node 9 is not a ring member", ring.Execute(new RingDrain(9), 2).Error);
        Assert.Equal("ring: node 9 is not a ring member", ring.Execute(new RingWeight(9, 2), 3).Error);
        Assert.Same(before, ring.State);
    }

    [Fact]
    public void Replicated_states_apply_ring_operations_at_their_slots_and_carry_the_ring_in_snapshots()
    {
        var state = new ReplicatedState(LogRules.Default);
        state.Advance(4, 100);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("~leader", 1, Join1)).Status);
        state.Advance(5, 101);
        state.Apply(LogCommand.Of("~leader", 2, new RingJoin(2, "akka.tcp://actors@127.0.0.1:4054", 2)));
        Assert.Equal(5, state.Ring.Version);
        Assert.Equal([1, 2], state.Ring.Members.Select(m => m.Node));

        var restored = new ReplicatedState(LogRules.Default, state.Snapshot(5));
        Assert.Equal(5, restored.Ring.Version);
        Assert.Equal(state.Ring.Members.AsEnumerable(), restored.Ring.Members.AsEnumerable());
        Assert.Equal(state.Ring.Ring.Points(), restored.Ring.Ring.Points());
    }

    [Fact]
    public void The_leader_plans_joins_for_up_members_that_ask_for_a_share_and_leaves_for_removed_ones()
    {
        var ring = new RingState(3, [new RingMember(1, "a1", 1), new RingMember(2, "a2", 1), new RingMember(4, "a4", 1)], 128);
        var cluster = new[]
        {
            new ClusterNode(1, "a1", true, 1),        // on the ring already
            new ClusterNode(2, "a2-new", true, 1),    // restarted elsewhere: rejoin at the new address
            new ClusterNode(3, "a3", true, 2),        // new: join with the weight it asks for
            new ClusterNode(5, "a5", false, 1),       // still joining: not yet
            new ClusterNode(6, "a6", true, null),     // takes no share
        };
        var plan = RingReconciler.Plan(ring, cluster, new HashSet<int> { 4 });
        Assert.Equal<RingOp>([new RingJoin(2, "a2-new", 1), new RingJoin(3, "a3", 2), new RingLeave(4)], plan);
        // Absent but not seen removed (a leader that has just started has not seen it join yet): it keeps its place.
        Assert.Equal<RingOp>([new RingJoin(2, "a2-new", 1), new RingJoin(3, "a3", 2)], RingReconciler.Plan(ring, cluster, new HashSet<int>()));

        // A member that stopped asking for a share leaves; one that is down but not yet removed keeps its place.
        Assert.Equal<RingOp>([new RingLeave(1)], RingReconciler.Plan(ring,
            [new ClusterNode(1, "a1", true, null), new ClusterNode(2, "a2", false, 1), new ClusterNode(4, "a4", true, 1)], new HashSet<int> { 1, 2, 4 }));
        Assert.Empty(RingReconciler.Plan(ring, [new ClusterNode(1, "a1", true, 1), new ClusterNode(2, "a2", true, 1), new ClusterNode(4, "a4", false, 1)],
            new HashSet<int> { 4 }));
    }
}
