using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

public sealed class AcceptorTests
{
    private static SlotValue V(string s) => new(ImmutableArray.Create(LogCommand.Of("c", 1, new KvPut("k", Encoding.UTF8.GetBytes(s)))));

    [Fact]
    public void Acceptor_persists_a_higher_promise_before_replying()
    {
        var a = new Acceptor(0);
        var fx = a.Step(new Prepare(new Ballot(2, 1), 0, 1));
        Assert.Equal(new PromiseMade(new Ballot(2, 1)), Assert.Single(fx.Persist));
        var reply = Assert.Single(fx.Send);
        Assert.Equal(1, reply.To);
        Assert.Equal(PaxosRole.Proposer, reply.Role);
        Assert.IsType<Promise>(reply.Message);
    }

    [Fact]
    public void Acceptor_rejects_prepare_below_promised_ballot_with_the_promised_ballot()
    {
        var a = new Acceptor(0);
        a.Step(new Prepare(new Ballot(5, 2), 0, 2));
        var fx = a.Step(new Prepare(new Ballot(4, 1), 0, 1));
        Assert.Empty(fx.Persist);
        var nack = Assert.IsType<Nack>(Assert.Single(fx.Send).Message);
        Assert.Equal(new Ballot(5, 2), nack.Promised);
    }

    [Fact]
    public void Acceptor_rejects_accept_below_promised_ballot()
    {
        var a = new Acceptor(0);
        a.Step(new Prepare(new Ballot(5, 2), 0, 2));
        var fx = a.Step(new Accept(new Ballot(4, 1), 0, V("x"), 1));
        Assert.Empty(fx.Persist);
        Assert.IsType<Nack>(Assert.Single(fx.Send).Message);
        Assert.Empty(a.AcceptedSlots);
    }

    [Fact]
    public void Acceptor_accepts_at_or_above_promise_and_reports_it_in_later_promises()
    {
        var a = new Acceptor(0);
        a.Step(new Prepare(new Ballot(1, 1), 0, 1));
        var value = V("x");
        var fx = a.Step(new Accept(new Ballot(1, 1), 7, value, 1));
        Assert.IsType<ValueAccepted>(Assert.Single(fx.Persist));
        Assert.IsType<Accepted>(Assert.Single(fx.Send).Message);

        var promise = Assert.IsType<Promise>(Assert.Single(a.Step(new Prepare(new Ballot(2, 2), 5, 2)).Send).Message);
        var held = Assert.Single(promise.Accepted);
        Assert.Equal(7, held.Slot);
        Assert.Equal(new Ballot(1, 1), held.Ballot);
        Assert.Same(value, held.Value);

        var fromLater = Assert.IsType<Promise>(Assert.Single(a.Step(new Prepare(new Ballot(3, 2), 8, 2)).Send).Message);
        Assert.Empty(fromLater.Accepted);
    }

    [Fact]
    public void Acceptor_rebuilt_from_its_events_holds_the_same_state()
    {
        var a = new Acceptor(0);
        var events = new List<IAcceptorEvent>();
        events.AddRange(a.Step(new Prepare(new Ballot(3, 1), 0, 1)).Persist);
        events.AddRange(a.Step(new Accept(new Ballot(3, 1), 0, V("a"), 1)).Persist);
        events.AddRange(a.Step(new Accept(new Ballot(3, 1), 1, V("b"), 1)).Persist);
        events.AddRange(a.Step(new Compact(0)).Persist);

        var b = new Acceptor(0);
        foreach (var e in events) b.Apply(e);
        Assert.Equal(a.Promised, b.Promised);
        Assert.Equal(0, b.CompactedThrough);
        Assert.Equal([1L], b.AcceptedSlots.Keys);
        Assert.Equal(a.Snapshot().Accepted.Select(x => x.Slot), b.Snapshot().Accepted.Select(x => x.Slot));
    }

    [Fact]
    public void Compaction_drops_slots_and_promises_report_the_compaction_point()
    {
        var a = new Acceptor(0);
        a.Step(new Prepare(new Ballot(1, 1), 0, 1));
        for (var s = 0; s < 5; s++) a.Step(new Accept(new Ballot(1, 1), s, V("v" + s), 1));
        a.Step(new Compact(2));
        var promise = Assert.IsType<Promise>(Assert.Single(a.Step(new Prepare(new Ballot(2, 1), 0, 1)).Send).Message);
        Assert.Equal(2, promise.CompactedThrough);
        Assert.Equal([3L, 4L], promise.Accepted.Select(x => x.Slot));
    }

    [Fact]
    public void Acceptor_answers_an_accept_for_a_compacted_slot_with_how_far_it_compacted()
    {
        var a = new Acceptor(0);
        a.Step(new Prepare(new Ballot(1, 1), 0, 1));
        for (var s = 0; s < 3; s++) a.Step(new Accept(new Ballot(1, 1), s, V("v" + s), 1));
        a.Step(new Compact(2));

        var fx = a.Step(new Accept(new Ballot(2, 2), 1, V("other"), 2));
        Assert.Empty(fx.Persist);
        var reply = Assert.Single(fx.Send);
        Assert.Equal((2, PaxosRole.Proposer), (reply.To, reply.Role));
        Assert.Equal(new SlotsCompacted(2, 0), reply.Message);
        Assert.Empty(a.AcceptedSlots);

        // Below the promise it is still a nack; past the compaction point an accept as usual.
        a.Step(new Prepare(new Ballot(3, 1), 0, 1));
        Assert.IsType<Nack>(Assert.Single(a.Step(new Accept(new Ballot(2, 2), 1, V("other"), 2)).Send).Message);
        Assert.IsType<Accepted>(Assert.Single(a.Step(new Accept(new Ballot(3, 1), 3, V("v3"), 1)).Send).Message);
    }
}
