using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

/// <summary>
/// The restart case: node 2 leads at ballot 1.2, its accept of <c>a</c> for slot 0 reaches only acceptor 0, then
/// node 2's process restarts before anyone else campaigns. With a proposer that forgets its round the new
/// incarnation campaigns at 1.2 again and two values end up chosen for slot 0.
/// </summary>
public sealed class BallotReuseTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 4, MaxBatch: 10);

    private static SlotValue V(string s) =>
        new(ImmutableArray.Create(LogCommand.Of("c-" + s, 1, new KvPut("k", Encoding.UTF8.GetBytes(s)))));

    private static Submit Submit(string s) => new(V(s).Commands, 0);

    /// <summary>Three acceptors and the messages of one proposer, delivered by hand.</summary>
    private sealed class Cluster
    {
        public readonly Acceptor[] Acceptors = [new(0), new(1), new(2)];
        public readonly List<string> Errors = new();
        public readonly Dictionary<long, HashSet<string>> ChosenBySlot = new();

        /// <summary>Runs <paramref name="fx"/>'s acceptor messages through the acceptors in <paramref name="reach"/> and
        /// feeds their replies back to <paramref name="p"/> until nothing is left to deliver.</summary>
        public void Exchange(Proposer p, Effects fx, params int[] reach)
        {
            var queue = new Queue<Outbound>(fx.Send);
            while (queue.Count > 0)
            {
                var o = queue.Dequeue();
                Effects next;
                if (o.Role == PaxosRole.Acceptor)
                {
                    if (!reach.Contains(o.To)) continue;
                    next = Acceptors[o.To].Step(o.Message);
                    Errors.AddRange(next.Errors);
                }
                else if (o.Role == PaxosRole.Proposer && o.To == p.Self)
                {
                    next = p.Step(o.Message);
                }
                else
                {
                    if (o.Message is Decision d)
                        (ChosenBySlot.TryGetValue(d.Slot, out var set) ? set : ChosenBySlot[d.Slot] = new())
                            .Add(Encoding.UTF8.GetString(((KvPut)d.Value.Commands[0].Decoded()).Value));
                    continue;
                }
                foreach (var m in next.Send) queue.Enqueue(m);
            }
        }

        /// <summary>Ticks <paramref name="p"/> until it campaigns, then exchanges with <paramref name="reach"/>.</summary>
        public void Campaign(Proposer p, out long persistedRound, params int[] reach)
        {
            Effects fx;
            fx = p.TickUntilCandidate();
            persistedRound = fx.PersistRound ?? throw new InvalidOperationException("a campaign must ask for its round to be persisted");
            Exchange(p, fx, reach);
        }

        /// <summary>What the acceptors hold for slot 0, by value.</summary>
        public IEnumerable<(int Acceptor, Ballot Ballot, string Value)> Slot0() =>
            Acceptors.Where(a => a.AcceptedSlots.ContainsKey(0)).Select(a =>
                (a.Self, a.AcceptedSlots[0].Ballot, Encoding.UTF8.GetString(((KvPut)a.AcceptedSlots[0].Value.Commands[0].Decoded()).Value)));
    }

    [Fact]
    public void A_restarted_leader_campaigns_above_the_round_it_persisted_so_one_value_is_chosen_for_the_slot()
    {
        var c = new Cluster();
        var first = new Proposer(Config, 2, new Random(1));
        c.Campaign(first, out var round, 0, 1, 2);
        Assert.Equal(ProposerRole.Leader, first.Role);
        Assert.Equal(new Ballot(1, 2), first.Ballot);

        // a's accept reaches acceptor 0 only; then node 2 restarts with the round its driver persisted.
        c.Exchange(first, first.Step(Submit("a")), 0);
        Assert.Equal(new Ballot(1, 2), c.Acceptors[0].AcceptedSlots[0].Ballot);

        var second = new Proposer(Config, 2, new Random(2), durableRound: round);
        c.Campaign(second, out _, 1, 2);
        Assert.Equal(ProposerRole.Leader, second.Role);
        Assert.True(second.Ballot > first.Ballot, $"the new incarnation reused ballot {second.Ballot}");

        // b goes to slot 0 at the new ballot and is chosen by acceptors 0 and 1.
        c.Exchange(second, second.Step(Submit("b")), 0, 1);
        Assert.Equal(["b"], c.ChosenBySlot[0]);

        // Node 1 campaigns later with acceptors 0 and 2 and must re-propose b, never a.
        var other = new Proposer(Config, 1, new Random(3));
        other.Step(new Heartbeat(second.Ballot, 2, 0));
        c.Campaign(other, out _, 0, 2);
        Assert.Equal(ProposerRole.Leader, other.Role);
        Assert.Equal(["b"], c.ChosenBySlot[0]);
        Assert.Empty(c.Errors);
    }

    [Fact]
    public void An_acceptor_refuses_an_accept_at_the_ballot_it_holds_with_another_value_so_a_reused_ballot_chooses_nothing_twice()
    {
        var c = new Cluster();
        var first = new Proposer(Config, 2, new Random(1));
        c.Campaign(first, out _, 0, 1, 2);
        c.Exchange(first, first.Step(Submit("a")), 0);

        // A proposer that lost its round (the bug this guards against): it campaigns at 1.2 again.
        var forgetful = new Proposer(Config, 2, new Random(2));
        c.Campaign(forgetful, out _, 1, 2);
        Assert.Equal(first.Ballot, forgetful.Ballot);

        // Acceptor 0 holds a at 1.2: it refuses b at 1.2 and reports it; b is not chosen by 0 and 1.
        c.Exchange(forgetful, forgetful.Step(Submit("b")), 0, 1);
        Assert.False(c.ChosenBySlot.ContainsKey(0));
        Assert.Contains(c.Errors, e => e.Contains("ballot 1.2", StringComparison.Ordinal) && e.Contains("slot 0", StringComparison.Ordinal));
        Assert.Equal("a", c.Slot0().Single(s => s.Acceptor == 0).Value);

        // Node 1 campaigns with 0 and 2, re-proposes a, and only a is ever chosen for slot 0.
        var other = new Proposer(Config, 1, new Random(3));
        other.Step(new Heartbeat(forgetful.Ballot, 2, 0));
        c.Campaign(other, out _, 0, 2);
        Assert.Equal(["a"], c.ChosenBySlot[0]);
    }

    [Fact]
    public void An_acceptor_answers_a_retransmitted_accept_at_its_held_ballot_without_persisting_again()
    {
        var a = new Acceptor(0);
        a.Step(new Accept(new Ballot(1, 2), 0, V("a"), 2));
        var fx = a.Step(new Accept(new Ballot(1, 2), 0, V("a"), 2)); // same content, another object (as off the wire)
        Assert.Empty(fx.Persist);
        Assert.Empty(fx.Errors);
        Assert.IsType<Accepted>(Assert.Single(fx.Send).Message);
    }

    [Fact]
    public void Every_campaign_of_a_proposer_asks_for_a_higher_round_than_any_before_it()
    {
        var p = new Proposer(Config, 0, new Random(5), durableRound: 41);
        var rounds = new List<long>();
        for (var i = 0; i < 3; i++)
            if (p.TickUntilCandidate().PersistRound is { } r) rounds.Add(r);
        Assert.Equal([42, 43, 44], rounds);
        Assert.Equal(44, p.DurableRound);
    }
}
