using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

public sealed class ProposerTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 2, MaxBatch: 10);

    private static KvCommand Cmd(string client, long seq) => new(client, seq, new KvPut("k", Encoding.UTF8.GetBytes(client + seq)));

    private static Proposer Elect(out Ballot ballot)
    {
        var p = new Proposer(Config, 0, new Random(1));
        Effects fx;
        do fx = p.Step(Tick.Instance); while (p.Role != ProposerRole.Candidate);
        ballot = p.Ballot;
        Assert.Equal(3, fx.Send.Count(o => o.Message is Prepare));
        return p;
    }

    [Fact]
    public void A_follower_without_heartbeats_campaigns_with_a_ballot_above_any_it_saw()
    {
        var p = new Proposer(Config, 0, new Random(1));
        p.Step(new Heartbeat(new Ballot(7, 2), 2, 0));
        for (var i = 0; i < 100 && p.Role == ProposerRole.Follower; i++) p.Step(Tick.Instance);
        Assert.Equal(ProposerRole.Candidate, p.Role);
        Assert.True(p.Ballot > new Ballot(7, 2));
        Assert.Equal(0, p.Ballot.Node);
    }

    [Fact]
    public void A_new_leader_reproposes_the_highest_ballot_value_per_slot_and_fills_gaps_with_noops()
    {
        var low = new SlotValue(ImmutableArray.Create(Cmd("a", 1)));
        var high = new SlotValue(ImmutableArray.Create(Cmd("b", 1)));
        var other = new SlotValue(ImmutableArray.Create(Cmd("c", 1)));
        var p = Elect(out var ballot);
        p.Step(new Promise(ballot, 1, ImmutableArray.Create(new AcceptedSlot(0, new Ballot(1, 1), low), new AcceptedSlot(2, new Ballot(1, 1), other)), -1));
        var fx = p.Step(new Promise(ballot, 2, ImmutableArray.Create(new AcceptedSlot(0, new Ballot(2, 2), high)), -1));

        Assert.Equal(ProposerRole.Leader, p.Role);
        var accepts = fx.Send.Select(o => o.Message).OfType<Accept>().GroupBy(a => a.Slot).ToDictionary(g => g.Key, g => g.First().Value);
        Assert.Same(high, accepts[0]);
        Assert.True(accepts[1].IsNoOp);
        Assert.Same(other, accepts[2]);
        Assert.Equal(3, p.NextSlot);
    }

    [Fact]
    public void A_leader_never_proposes_into_slots_an_acceptor_compacted()
    {
        var p = Elect(out var ballot);
        p.Step(new Promise(ballot, 1, ImmutableArray<AcceptedSlot>.Empty, 9));
        p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, 4));
        Assert.Equal(ProposerRole.Leader, p.Role);
        Assert.Equal(10, p.FirstUnchosen);
        var fx = p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0));
        Assert.All(fx.Send.Select(o => o.Message).OfType<Accept>(), a => Assert.Equal(10, a.Slot));
    }

    [Fact]
    public void A_leader_batches_commands_and_keeps_at_most_the_window_in_flight()
    {
        var p = Elect(out var ballot);
        p.Step(new Promise(ballot, 1, ImmutableArray<AcceptedSlot>.Empty, -1));
        p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        for (var i = 1; i <= 25; i++) p.Step(new Submit(ImmutableArray.Create(Cmd("a", i)), 0));
        Assert.Equal(2, p.InFlightCount);
        Assert.Equal(23, p.PendingCount);

        // Slot 0 chosen: the next batch takes up to MaxBatch = 10 pending commands.
        p.Step(new Accepted(ballot, 0, 1));
        var fx = p.Step(new Accepted(ballot, 0, 2));
        var decision = Assert.IsType<Decision>(fx.Send.First(o => o.Message is Decision).Message);
        Assert.Equal(0, decision.Slot);
        var next = fx.Send.Select(o => o.Message).OfType<Accept>().First();
        Assert.Equal(10, next.Value.Commands.Length);
        Assert.Equal(1, p.FirstUnchosen);
    }

    [Fact]
    public void A_nack_with_a_higher_ballot_makes_the_leader_step_down()
    {
        var p = Elect(out var ballot);
        p.Step(new Promise(ballot, 1, ImmutableArray<AcceptedSlot>.Empty, -1));
        p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        Assert.Equal(ProposerRole.Leader, p.Role);
        p.Step(new Nack(ballot, new Ballot(ballot.Round + 5, 1), 1));
        Assert.Equal(ProposerRole.Follower, p.Role);
        Assert.Null(p.Leader);
    }

    [Fact]
    public void A_follower_forwards_client_commands_to_the_leader()
    {
        var p = new Proposer(Config, 1, new Random(1));
        p.Step(new Heartbeat(new Ballot(3, 0), 0, 0));
        var fx = p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0));
        var fwd = Assert.Single(fx.Send);
        Assert.Equal(0, fwd.To);
        Assert.Equal(1, Assert.IsType<Submit>(fwd.Message).Hops);
    }
}
