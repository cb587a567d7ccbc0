using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

public sealed class ProposerTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 2, MaxBatch: 10, MaxWindow: 2);

    private static LogCommand Cmd(string client, long seq) => LogCommand.Of(client, seq, new KvPut("k", Encoding.UTF8.GetBytes(client + seq)));

    private static Proposer Elect(out Ballot ballot)
    {
        var p = new Proposer(Config, 0, new Random(1));
        Effects fx;
        fx = p.TickUntilCandidate();
        ballot = p.Ballot;
        Assert.Equal(3, fx.Send.Count(o => o.Message is Prepare));
        return p;
    }

    [Fact]
    public void A_follower_without_heartbeats_campaigns_with_a_ballot_above_any_it_saw()
    {
        var p = new Proposer(Config, 0, new Random(1));
        p.Step(new Heartbeat(new Ballot(7, 2), 2, 0));
        p.TickUntilCandidate();
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
    public void A_leader_drops_slots_an_acceptor_compacted_from_its_window_without_deciding_them()
    {
        var p = Elect(out var ballot);
        var reproposed = new SlotValue(ImmutableArray.Create(Cmd("old", 1)));
        p.Step(new Promise(ballot, 1, ImmutableArray.Create(new AcceptedSlot(0, new Ballot(1, 1), reproposed), new AcceptedSlot(1, new Ballot(1, 1), reproposed)), -1));
        p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0));
        Assert.Equal(2, p.InFlightCount);
        Assert.Equal(1, p.PendingCount);
        p.Step(new Accepted(ballot, 0, 0));

        // Acceptor 1 compacted slots 0 and 1: they are chosen, with a value this leader cannot know.
        var fx = p.Step(new SlotsCompacted(1, 1));
        Assert.DoesNotContain(fx.Send, o => o.Message is Decision);
        Assert.Equal(2, p.FirstUnchosen);
        var commit = Assert.Single(fx.Send, o => o.Message is CommitInfo);
        Assert.Equal((0, PaxosRole.Replica), (commit.To, commit.Role));
        Assert.Equal(new CommitInfo(0, 2), commit.Message);
        // The window drained: the pending command goes into the first slot after the compacted ones.
        Assert.Equal(1, p.InFlightCount);
        Assert.All(fx.Send.Select(o => o.Message).OfType<Accept>(), a => Assert.Equal(2, a.Slot));
        Assert.Equal(3, fx.Send.Count(o => o.Message is Accept));

        // A late quorum for a dropped slot decides nothing.
        Assert.DoesNotContain(p.Step(new Accepted(ballot, 0, 2)).Send, o => o.Message is Decision);
    }

    [Fact]
    public void A_compaction_notice_drains_the_window_even_when_the_replica_already_applied_those_slots()
    {
        var p = Elect(out var ballot);
        p.Step(new Promise(ballot, 1, ImmutableArray<AcceptedSlot>.Empty, -1));
        p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        foreach (var client in new[] { "a", "b", "c" }) p.Step(new Submit(ImmutableArray.Create(Cmd(client, 1)), 0));
        Assert.Equal(2, p.InFlightCount);
        Assert.Equal(1, p.PendingCount);

        // The replica caught up past the window (from a peer's snapshot) before any acceptor answered.
        p.Step(new AppliedThrough(5));
        Assert.Equal(6, p.FirstUnchosen);
        Assert.Equal(2, p.InFlightCount);

        var fx = p.Step(new SlotsCompacted(5, 2));
        Assert.DoesNotContain(fx.Send, o => o.Message is Decision);
        Assert.Equal(1, p.InFlightCount);
        Assert.All(fx.Send.Select(o => o.Message).OfType<Accept>(), a => Assert.Equal(6, a.Slot));
        Assert.Equal(6, p.NextSlot - 1);
    }

    [Fact]
    public void A_leader_whose_in_flight_slots_the_acceptors_compacted_makes_progress_and_its_replica_catches_up()
    {
        // The shape of simulation seed 1429: a new leader re-proposes slots 0..3, which a majority had accepted
        // under an earlier ballot; before the other acceptors answer, their replicas learn the slots chosen,
        // snapshot them and compact them away. Only the leader's own acceptor still holds them.
        var config = new PaxosConfig([0, 1, 2], Window: 4, SnapshotEvery: 4, IdleStampTicks: 1000);
        var cluster = new MiniCluster(config, leader: 0);
        var earlier = new Ballot(1, 1);
        var values = Enumerable.Range(0, 4).Select(i => new SlotValue(ImmutableArray.Create(Cmd("old", i + 1)))).ToArray();
        for (var slot = 0; slot < 4; slot++)
            foreach (var a in cluster.Acceptors) a.Step(new Accept(earlier, slot, values[slot], 1));

        cluster.Leader.Step(new Heartbeat(earlier, 1, 0));
        var prepares = cluster.TickLeaderUntil(ProposerRole.Candidate).Send;
        foreach (var prepare in prepares.Where(o => o.To != 2)) cluster.Deliver(0, prepare);
        cluster.RunWhile(o => o.Message is Prepare or Promise);
        Assert.Equal(ProposerRole.Leader, cluster.Leader.Role);
        Assert.Equal(4, cluster.Leader.InFlightCount);
        var heldAccepts = cluster.TakeQueued();

        for (var slot = 0; slot < 4; slot++)
            foreach (var replica in new[] { 1, 2 }) cluster.Deliver(1, new Outbound(replica, PaxosRole.Replica, new Decision(slot, values[slot])));
        cluster.RunUntilQuiet();
        Assert.All(new[] { 1, 2 }, n => Assert.Equal(3, cluster.Acceptors[n].CompactedThrough));
        Assert.Equal(-1, cluster.Acceptors[0].CompactedThrough);

        foreach (var held in heldAccepts) cluster.Deliver(held.From, held.Out);
        cluster.Deliver(-1, new Outbound(0, PaxosRole.Proposer, new Submit(ImmutableArray.Create(Cmd("new", 1)), 0)));
        for (var tick = 0; tick < 20; tick++) cluster.TickAll();

        Assert.Equal(0, cluster.Leader.InFlightCount);
        Assert.Equal(0, cluster.Leader.PendingCount);
        Assert.Equal(5, cluster.Leader.FirstUnchosen);
        Assert.All(cluster.Replicas, r => Assert.Equal(5, r.NextToApply));
        Assert.Equal(
            cluster.Replicas[1].State.Snapshot(4).Kv.Entries.Select(e => (e.Key, Encoding.UTF8.GetString(e.Value))),
            cluster.Replicas[0].State.Snapshot(4).Kv.Entries.Select(e => (e.Key, Encoding.UTF8.GetString(e.Value))));
        Assert.Equal("new1", Encoding.UTF8.GetString(Assert.Single(cluster.Replicas[0].State.Snapshot(4).Kv.Entries).Value));
        // The leader learned slots 0..3 through catch-up; it decided only the slot it filled itself.
        Assert.Equal([4L], cluster.DecisionsBy(0).Select(d => d.Slot).Distinct());
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

    [Fact]
    public void A_learner_never_campaigns_however_long_it_hears_nothing()
    {
        var p = new Proposer(Config, 7, new Random(1));
        Assert.True(p.IsLearner);
        for (var i = 0; i < 10_000; i++)
        {
            var fx = p.Step(Tick.Instance);
            Assert.Empty(fx.Send);
            Assert.Equal(ProposerRole.Learner, p.Role);
        }
        Assert.Equal(Ballot.Zero, p.Ballot);
        Assert.Null(p.Leader);
    }

    [Fact]
    public void A_learner_follows_heartbeats_and_forwards_client_commands_to_the_leader()
    {
        var p = new Proposer(Config, 7, new Random(1));
        // No leader known yet: the command is held.
        Assert.Empty(p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0)).Send);
        Assert.Equal(1, p.PendingCount);

        var fx = p.Step(new Heartbeat(new Ballot(3, 1), 1, 4));
        Assert.Equal(ProposerRole.Learner, p.Role);
        Assert.Equal(1, p.Leader);
        var held = Assert.IsType<Submit>(fx.Send.Single(o => o.To == 1 && o.Role == PaxosRole.Proposer).Message);
        Assert.Equal("a", Assert.Single(held.Commands).ClientId);
        var commit = Assert.IsType<CommitInfo>(fx.Send.Single(o => o.To == 7 && o.Role == PaxosRole.Replica).Message);
        Assert.Equal(4, commit.FirstUnchosen);
        Assert.Equal(0, p.PendingCount);

        var fwd = Assert.Single(p.Step(new Submit(ImmutableArray.Create(Cmd("b", 1)), 0)).Send);
        Assert.Equal(1, fwd.To);
        Assert.Equal(PaxosRole.Proposer, fwd.Role);
        Assert.Equal(1, Assert.IsType<Submit>(fwd.Message).Hops);
    }

    [Fact]
    public void A_learner_forgets_a_silent_leader_and_holds_commands_until_the_next_one_is_heard()
    {
        var p = new Proposer(Config, 7, new Random(1));
        p.Step(new Heartbeat(new Ballot(3, 1), 1, 0));
        // The election timeout is drawn from [10, 20) ticks.
        for (var i = 0; i < 20; i++) Assert.Empty(p.Step(Tick.Instance).Send);
        Assert.Null(p.Leader);
        Assert.Equal(ProposerRole.Learner, p.Role);

        Assert.Empty(p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0)).Send);
        var fx = p.Step(new Heartbeat(new Ballot(4, 2), 2, 0));
        Assert.Equal(2, p.Leader);
        Assert.Contains(fx.Send, o => o.To == 2 && o.Message is Submit s && s.Commands.Single().ClientId == "a");
    }

    [Fact]
    public void A_higher_ballot_seen_by_a_learner_keeps_it_a_learner_following_its_leader()
    {
        var p = new Proposer(Config, 7, new Random(1));
        p.Step(new Heartbeat(new Ballot(3, 1), 1, 0));
        p.Step(new Nack(new Ballot(1, 7), new Ballot(9, 2), 2));
        p.Step(new HeartbeatNack(new Ballot(9, 2), 2));
        Assert.Equal(ProposerRole.Learner, p.Role);
        Assert.Equal(1, p.Leader);
        Assert.Equal(new Ballot(9, 2), p.HighestSeen);
    }

    [Fact]
    public void The_leader_sends_heartbeats_and_decisions_to_the_learners_it_was_told_of()
    {
        var p = Elect(out var ballot);
        p.Step(new LearnersChanged([5, 6, 1, 0]));
        Assert.Equal([5, 6], p.Learners.ToArray());
        p.Step(new Promise(ballot, 1, ImmutableArray<AcceptedSlot>.Empty, -1));
        var elected = p.Step(new Promise(ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        Assert.Equal(ProposerRole.Leader, p.Role);
        var heartbeatsTo = elected.Send.Where(o => o.Message is Heartbeat && o.Role == PaxosRole.Proposer).Select(o => o.To).Order().ToArray();
        Assert.Equal([1, 2, 5, 6], heartbeatsTo);

        var proposed = p.Step(new Submit(ImmutableArray.Create(Cmd("a", 1)), 0));
        // Learners never get phase 2 messages.
        Assert.All(proposed.Send.Where(o => o.Message is Accept), o => Assert.Contains(o.To, Config.Members));
        var slot = proposed.Send.Select(o => o.Message).OfType<Accept>().First().Slot;
        p.Step(new Accepted(ballot, slot, 1));
        var chosen = p.Step(new Accepted(ballot, slot, 2));
        var decisionsTo = chosen.Send.Where(o => o.Message is Decision && o.Role == PaxosRole.Replica).Select(o => o.To).Order().ToArray();
        Assert.Equal([0, 1, 2, 5, 6], decisionsTo);

        // A learner that left the directory gets nothing more.
        p.Step(new LearnersChanged([6]));
        Effects beat;
        do beat = p.Step(Tick.Instance); while (!beat.Send.Any(o => o.Message is Heartbeat));
        Assert.Equal([1, 2, 6], beat.Send.Where(o => o.Message is Heartbeat).Select(o => o.To).Order().ToArray());
    }

    [Fact]
    public void Prepare_and_heartbeat_carry_the_acceptor_list_fingerprint()
    {
        var config = Config with { Fingerprint = 0xABCDEF0123456789 };
        var p = new Proposer(config, 0, new Random(1));
        Effects fx;
        fx = p.TickUntilCandidate();
        Assert.All(fx.Send.Select(o => o.Message).OfType<Prepare>(), m => Assert.Equal(config.Fingerprint, m.Fingerprint));
        p.Step(new Promise(p.Ballot, 1, ImmutableArray<AcceptedSlot>.Empty, -1));
        var led = p.Step(new Promise(p.Ballot, 2, ImmutableArray<AcceptedSlot>.Empty, -1));
        var heartbeats = led.Send.Select(o => o.Message).OfType<Heartbeat>().ToList();
        Assert.NotEmpty(heartbeats);
        Assert.All(heartbeats, h => Assert.Equal(config.Fingerprint, h.Fingerprint));
    }

    /// <summary>A leader of members 0..2 that hears no acceptor after its election: cut off in a minority.</summary>
    private static Proposer CutOffLeader(PaxosConfig config)
    {
        var p = new Proposer(config, 0, new Random(1));
        p.TickUntilCandidate();
        p.Step(new Promise(p.Ballot, 1, [], -1));
        p.Step(new Promise(p.Ballot, 2, [], -1));
        Assert.Equal(ProposerRole.Leader, p.Role);
        return p;
    }

    [Fact]
    public void A_leader_cut_off_from_the_acceptors_holds_at_most_max_pending_commands_and_refuses_the_rest_as_overloaded()
    {
        var config = Config with { MaxPending = 5 };
        var p = CutOffLeader(config);
        // The window takes two slots, which are never chosen; then the queue fills.
        for (var seq = 1; seq <= 2; seq++) p.Step(new Submit([Cmd("a", seq)], 0));
        Assert.Equal(2, p.InFlightCount);
        var refused = new List<LogCommand>();
        for (var seq = 3; seq <= 12; seq++) refused.AddRange(p.Step(new Submit([Cmd("a", seq)], 0)).Refused);
        Assert.Equal(5, p.PendingCount);
        Assert.Equal([8L, 9, 10, 11, 12], refused.Select(c => c.Seq));

        // A command forwarded from another node is not reported here: that node's entry retries it.
        Assert.Empty(p.Step(new Submit([Cmd("b", 1)], 1)).Refused);
        Assert.Equal(5, p.PendingCount);
    }

    [Fact]
    public void A_command_submitted_again_while_a_copy_waits_is_held_once()
    {
        var p = CutOffLeader(Config);
        for (var seq = 1; seq <= 2; seq++) p.Step(new Submit([Cmd("a", seq)], 0));
        // The entry resubmits every unanswered write each second while the cut lasts.
        for (var second = 0; second < 30; second++)
            p.Step(new Submit([Cmd("a", 3), Cmd("a", 4)], 0));
        Assert.Equal(2, p.PendingCount);

        // Another command under the same pair (another process with this client id) is not a copy: it waits too, and the log
        // refuses whichever of the two comes second.
        p.Step(new Submit([LogCommand.Of("a", 3, new KvDelete("k"))], 0));
        Assert.Equal(3, p.PendingCount);

        // A copy issued again (a client refused as expired issues it at a later log time) is another command: held once too.
        var reissued = Cmd("a", 4) with { Issued = 77 };
        for (var second = 0; second < 30; second++) p.Step(new Submit([reissued], 0));
        Assert.Equal(4, p.PendingCount);

        // A follower that knows no leader holds copies once too.
        var f = new Proposer(Config, 1, new Random(1));
        for (var second = 0; second < 30; second++) f.Step(new Submit([Cmd("a", 1)], 0));
        Assert.Equal(1, f.PendingCount);
    }
}

