using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

/// <summary>Linearizable reads off the log: the leader's read index, the acceptors' confirmation, the replica's wait.</summary>
public sealed class ReadIndexTests
{
    private static readonly PaxosConfig Config = new([1, 2, 3], Window: 4, MaxBatch: 10);

    private static LogCommand Put(string key, string value, long seq) => LogCommand.Of("w", seq, new KvPut(key, Encoding.UTF8.GetBytes(value)));

    private static LogCommand Read(string key, long seq) => LogCommand.Of("r", seq, new KvGet(key));

    /// <summary>A decision of leader 1 at ballot 1.1.</summary>
    private static Decision Chosen(long slot, SlotValue value) => new(slot, value, 1, new Ballot(1, 1));

    private static Proposer Leader(int self = 1)
    {
        var p = new Proposer(Config, self, new Random(1));
        p.TickUntilCandidate();
        foreach (var m in Config.Members.Where(m => m != self).Take(2)) p.Step(new Promise(p.Ballot, m, [], -1));
        Assert.Equal(ProposerRole.Leader, p.Role);
        return p;
    }

    private static List<T> Sent<T>(Effects fx) => fx.Send.Select(o => o.Message).OfType<T>().ToList();

    [Fact]
    public void A_leader_grants_the_highest_slot_it_proposed_only_once_a_majority_of_acceptors_confirmed_it_leads()
    {
        var p = Leader();
        var accepts = Sent<Accept>(p.Step(new Submit([Put("k", "1", 1), Put("k", "2", 2)], 0)));
        Assert.Equal(0, accepts.Max(a => a.Slot)); // one slot, not chosen yet

        var fx = p.Step(new ReadIndexRequest(3, 7));
        var probes = fx.Send.Where(o => o.Message is ReadProbe).ToList();
        Assert.Equal([1, 2, 3], probes.Select(o => o.To).Order());
        Assert.All(probes, o => Assert.Equal(PaxosRole.Acceptor, o.Role));
        var probe = (ReadProbe)probes[0].Message;
        Assert.Equal(p.Ballot, probe.Ballot);

        Assert.Empty(Sent<ReadIndexGrant>(p.Step(new ReadProbeAck(p.Ballot, probe.Round, 1))));
        Assert.Empty(Sent<ReadIndexGrant>(p.Step(new ReadProbeAck(p.Ballot, probe.Round, 1)))); // the same acceptor twice is one
        fx = p.Step(new ReadProbeAck(p.Ballot, probe.Round, 2));
        var grant = Assert.Single(fx.Send.Where(o => o.Message is ReadIndexGrant));
        Assert.Equal((3, PaxosRole.Replica), (grant.To, grant.Role));
        Assert.Equal(new ReadIndexGrant(7, 0, 1), grant.Message); // slot 0 is in flight: the reads wait for it
    }

    [Fact]
    public void A_leader_whose_probe_meets_a_higher_promise_steps_down_and_never_grants()
    {
        var p = Leader();
        var probe = Sent<ReadProbe>(p.Step(new ReadIndexRequest(1, 1)))[0];
        p.Step(new Nack(p.Ballot, new Ballot(p.Ballot.Round + 1, 2), 2));
        Assert.NotEqual(ProposerRole.Leader, p.Role);
        Assert.Empty(Sent<ReadIndexGrant>(p.Step(new ReadProbeAck(probe.Ballot, probe.Round, 1))));
        Assert.Empty(Sent<ReadIndexGrant>(p.Step(new ReadProbeAck(probe.Ballot, probe.Round, 3))));
        Assert.Equal(0, p.ReadsHeld);
    }

    [Fact]
    public void Requests_that_arrive_during_a_round_wait_for_the_next_one_with_the_index_as_it_is_then()
    {
        var p = Leader();
        var first = Sent<ReadProbe>(p.Step(new ReadIndexRequest(2, 1)))[0];
        p.Step(new Submit([Put("k", "1", 1)], 0)); // slot 0 proposed after the first round began
        Assert.Empty(Sent<ReadProbe>(p.Step(new ReadIndexRequest(3, 1)))); // one round at a time

        p.Step(new ReadProbeAck(p.Ballot, first.Round, 1));
        var fx = p.Step(new ReadProbeAck(p.Ballot, first.Round, 3));
        Assert.Equal(new ReadIndexGrant(1, -1, 1), Assert.Single(Sent<ReadIndexGrant>(fx)));
        var second = Assert.Single(Sent<ReadProbe>(fx).DistinctBy(x => x.Round));
        Assert.Equal(first.Round + 1, second.Round);

        p.Step(new ReadProbeAck(p.Ballot, first.Round, 2)); // late answer to the old round: ignored
        p.Step(new ReadProbeAck(p.Ballot, second.Round, 1));
        fx = p.Step(new ReadProbeAck(p.Ballot, second.Round, 2));
        Assert.Equal(new ReadIndexGrant(1, 0, 1), Assert.Single(Sent<ReadIndexGrant>(fx)));
    }

    [Fact]
    public void A_follower_passes_requests_to_its_leader_and_an_unanswered_probe_is_sent_again()
    {
        var follower = new Proposer(Config, 2, new Random(1));
        follower.Step(new Heartbeat(new Ballot(4, 1), 1, 0));
        var forwarded = Assert.Single(follower.Step(new ReadIndexRequest(2, 5)).Send.Where(o => o.Message is ReadIndexRequest));
        Assert.Equal((1, PaxosRole.Proposer), (forwarded.To, forwarded.Role));
        Assert.Equal(new ReadIndexRequest(2, 5, 1), forwarded.Message);

        var leader = Leader();
        var probe = Sent<ReadProbe>(leader.Step(new ReadIndexRequest(2, 5)))[0];
        leader.Step(new ReadProbeAck(leader.Ballot, probe.Round, 1));
        var again = new List<Outbound>();
        for (var i = 0; i < Config.RetransmitTicks; i++) again.AddRange(leader.Step(Tick.Instance).Send.Where(o => o.Message is ReadProbe));
        Assert.Equal([2, 3], again.Select(o => o.To).Order()); // not to the acceptor that answered
    }

    [Fact]
    public void An_acceptor_confirms_a_probe_at_or_above_its_promise_at_once_and_refuses_one_below_it()
    {
        var a = new Acceptor(2);
        a.Step(new Prepare(new Ballot(5, 1), 0, 1));
        var ack = a.Step(new ReadProbe(new Ballot(5, 1), 3, 1));
        Assert.Empty(ack.Persist);
        Assert.Empty(ack.Send);
        Assert.Equal(new ReadProbeAck(new Ballot(5, 1), 3, 2), Assert.Single(ack.SendAtOnce).Message);

        var stale = a.Step(new ReadProbe(new Ballot(4, 3), 1, 3));
        Assert.Equal(new Nack(new Ballot(4, 3), new Ballot(5, 1), 2), Assert.Single(stale.SendAtOnce).Message);

        // Even while the promise is still being written, the confirmation may leave: the promise only grows.
        var group = new GroupCommit();
        group.Add(a.Step(new Prepare(new Ballot(6, 1), 0, 1)));
        var (now, _) = group.Add(a.Step(new ReadProbe(new Ballot(6, 1), 4, 1)));
        Assert.IsType<ReadProbeAck>(Assert.Single(now).Message);
    }

    [Fact]
    public void A_replica_answers_a_granted_read_only_once_it_applied_through_the_index_and_with_that_state()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        var ask = Assert.Single(Sent<ReadIndexRequest>(r.Step(new LinearizableRead(Read("k", 1)))));
        Assert.Equal(3, ask.From);
        r.Step(Chosen(0, new SlotValue([Put("k", "old", 1)])));

        // Granted index 1: slot 1 holds a write acknowledged before the read began; slot 0 alone is not enough.
        var fx = r.Step(new ReadIndexGrant(ask.Id, 1, 1));
        Assert.Empty(fx.Reads);
        fx = r.Step(Chosen(1, new SlotValue([Put("k", "new", 2)])));
        var read = Assert.Single(fx.Reads);
        Assert.Equal("new", Encoding.UTF8.GetString(read.Result.Value!));
        Assert.Empty(fx.Applied.Where(a => a.Command.Decoded() is KvGet)); // never written to the log
        Assert.Equal(0, r.ReadsHeld);
    }

    [Fact]
    public void A_read_granted_an_index_already_applied_is_answered_at_once()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        r.Step(Chosen(0, new SlotValue([Put("k", "v", 1)])));
        var ask = Sent<ReadIndexRequest>(r.Step(new LinearizableRead(Read("k", 1))))[0];
        Assert.Equal("v", Encoding.UTF8.GetString(Assert.Single(r.Step(new ReadIndexGrant(ask.Id, 0, 1)).Reads).Result.Value!));
    }

    [Fact]
    public void An_unanswered_request_is_followed_by_one_that_carries_its_reads_and_a_late_grant_of_the_old_one_answers_the_reads_it_carried()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        var first = Sent<ReadIndexRequest>(r.Step(new LinearizableRead(Read("k", 1))))[0];
        Assert.Empty(Sent<ReadIndexRequest>(r.Step(new LinearizableRead(Read("k", 2))))); // one request at a time
        Assert.Empty(Sent<ReadIndexRequest>(r.Step(new LinearizableRead(Read("k", 2))))); // resent read: held once

        var again = new List<ReadIndexRequest>();
        for (var i = 0; i < Config.RetransmitTicks; i++) again.AddRange(Sent<ReadIndexRequest>(r.Step(Tick.Instance)));
        var second = Assert.Single(again);
        Assert.NotEqual(first.Id, second.Id);

        // The grant of the first request took longer than the retransmit time: it still answers the read it carried (the
        // leader confirmed its leadership after that read began), and only that one.
        Assert.Equal([1L], r.Step(new ReadIndexGrant(first.Id, -1, 1)).Reads.Select(x => x.Command.Seq));
        Assert.Equal([2L], r.Step(new ReadIndexGrant(second.Id, -1, 1)).Reads.Select(x => x.Command.Seq));
        Assert.Equal(0, r.ReadsHeld);
    }

    [Fact]
    public void Grants_slower_than_the_retransmit_time_still_answer_reads()
    {
        // Every grant arrives three retransmit times after its request: before, each request was replaced before its grant
        // came back, the grant was dropped, and no read ever completed.
        var r = new Replica(Config, 3, LogRules.Default);
        var delay = 3 * Config.RetransmitTicks;
        var requests = new Queue<(long At, long Id)>();
        var answered = new List<long>();
        long now = 0;
        void Collect(Effects fx)
        {
            foreach (var q in Sent<ReadIndexRequest>(fx)) requests.Enqueue((now + delay, q.Id));
            answered.AddRange(fx.Reads.Select(x => x.Command.Seq));
        }
        for (var seq = 1; seq <= 20; seq++)
        {
            Collect(r.Step(new LinearizableRead(Read("k", seq))));
            for (var t = 0; t < 2; t++)
            {
                now++;
                Collect(r.Step(Tick.Instance));
                while (requests.Count > 0 && requests.Peek().At <= now) Collect(r.Step(new ReadIndexGrant(requests.Dequeue().Id, -1, 1)));
            }
        }
        for (var t = 0; t < 10 * delay; t++)
        {
            now++;
            Collect(r.Step(Tick.Instance));
            while (requests.Count > 0 && requests.Peek().At <= now) Collect(r.Step(new ReadIndexGrant(requests.Dequeue().Id, -1, 1)));
        }
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), answered.Order());
    }

    [Fact]
    public void Two_reads_that_reuse_a_client_seq_are_each_answered_with_their_own_value()
    {
        var r = new Replica(Config, 3, LogRules.Default);
        r.Step(Chosen(0, new SlotValue([Put("a", "1", 1), Put("b", "2", 2)])));
        var requests = new Queue<long>();
        var reads = new List<AppliedCommand>();
        void Collect(Effects fx)
        {
            foreach (var q in Sent<ReadIndexRequest>(fx)) requests.Enqueue(q.Id);
            reads.AddRange(fx.Reads);
        }
        Collect(r.Step(new LinearizableRead(Read("a", 5))));
        Collect(r.Step(new LinearizableRead(Read("b", 5))));
        for (var i = 0; i < 4 * Config.RetransmitTicks && reads.Count < 2; i++)
            Collect(requests.Count > 0 ? r.Step(new ReadIndexGrant(requests.Dequeue(), 0, 1)) : r.Step(Tick.Instance));
        Assert.Equal(2, reads.Count);
        Assert.All(reads, x => Assert.Equal(((KvGet)x.Command.Decoded()).Key == "a" ? "1" : "2", Encoding.UTF8.GetString(x.Result.Value!)));
    }

    [Fact]
    public void A_grant_meant_for_the_previous_incarnation_of_a_replica_answers_no_read_of_the_restarted_one()
    {
        // Before the restart: a read asked for an index, and the leader's grant is on its way.
        var before = new Replica(Config, 3, LogRules.Default, null, new Random(1).NextInt64());
        before.Step(Chosen(0, new SlotValue([Put("k", "old", 1)])));
        var old = Sent<ReadIndexRequest>(before.Step(new LinearizableRead(Read("k", 1))))[0];

        // The restarted replica has applied the same slot; a write at slot 1 is acknowledged before its read begins.
        var after = new Replica(Config, 3, LogRules.Default, null, new Random(2).NextInt64());
        after.Step(Chosen(0, new SlotValue([Put("k", "old", 1)])));
        var ask = Sent<ReadIndexRequest>(after.Step(new LinearizableRead(Read("k", 2))))[0];
        Assert.NotEqual(old.Id, ask.Id);

        // The old grant (index 0) arrives: it must not answer the new read with the state before slot 1.
        Assert.Empty(after.Step(new ReadIndexGrant(old.Id, 0, 1)).Reads);
        after.Step(Chosen(1, new SlotValue([Put("k", "new", 2)])));
        var read = Assert.Single(after.Step(new ReadIndexGrant(ask.Id, 1, 1)).Reads);
        Assert.Equal("new", Encoding.UTF8.GetString(read.Result.Value!));
    }

    [Fact]
    public void Reads_held_longer_than_the_hold_time_are_dropped()
    {
        var reads = new PendingReads(holdTicks: 10);
        reads.Add(Read("k", 1), now: 0);
        Assert.NotNull(reads.NextRequest(now: 0, retransmitTicks: 4));
        Assert.NotNull(reads.NextRequest(now: 4, retransmitTicks: 4));
        Assert.Equal(1, reads.Count);
        Assert.Null(reads.NextRequest(now: 11, retransmitTicks: 4));
        Assert.Equal(0, reads.Count);
    }

    [Fact]
    public void A_read_sent_again_after_its_first_copy_was_asked_for_waits_for_a_grant_of_its_own()
    {
        // Two processes share a client id and poll with one seq: the second read began after the first request left, so the
        // first grant (which may predate writes acknowledged before the second read began) must not answer it.
        var reads = new PendingReads(holdTicks: 100);
        reads.Add(Read("k", 1), now: 0);
        var first = reads.NextRequest(now: 0, retransmitTicks: 4)!.Value;
        reads.Add(Read("k", 1), now: 1);
        Assert.Equal(2, reads.Count);
        Assert.True(reads.Grant(first, 5));
        Assert.Single(reads.Ready(6));
        Assert.Equal(1, reads.Count);
        var second = reads.NextRequest(now: 1, retransmitTicks: 4)!.Value;
        Assert.True(reads.Grant(second, 9));
        Assert.Empty(reads.Ready(6));
        Assert.Single(reads.Ready(10));
        Assert.Equal(0, reads.Count);
    }
}
