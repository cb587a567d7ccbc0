using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

public sealed class GroupCommitTests
{
    private static readonly Ballot B = new(3, 1);

    private static SlotValue V(string s) => new(ImmutableArray.Create(LogCommand.Of("c", 1, new KvPut("k", Encoding.UTF8.GetBytes(s)))));

    private static Accept AcceptAt(long slot) => new(B, slot, V("v" + slot), 1);

    [Fact]
    public void Every_accept_handled_before_the_flush_goes_into_one_write_and_its_replies_wait_for_it()
    {
        var acceptor = new Acceptor(2);
        var group = new GroupCommit();

        Assert.True(group.Add(acceptor.Step(AcceptAt(0))).ScheduleFlush);
        foreach (var slot in new long[] { 1, 2, 3 })
        {
            var (sendNow, schedule) = group.Add(acceptor.Step(AcceptAt(slot)));
            Assert.Empty(sendNow);
            Assert.False(schedule); // one marker per group
        }

        var (write, early) = group.OnFlush();
        Assert.Empty(early);
        Assert.Equal([0L, 1, 2, 3], write.Cast<ValueAccepted>().Select(e => e.Slot));
        Assert.True(group.Writing);

        var (send, again) = group.OnWritten();
        Assert.Equal([0L, 1, 2, 3], send.Select(o => ((Accepted)o.Message).Slot));
        Assert.False(again);
        Assert.False(group.Writing);
    }

    [Fact]
    public void A_reply_with_nothing_unwritten_before_it_leaves_at_once()
    {
        var acceptor = new Acceptor(2);
        var group = new GroupCommit();
        acceptor.Apply(new PromiseMade(new Ballot(9, 3)));

        var (sendNow, schedule) = group.Add(acceptor.Step(AcceptAt(0))); // below the promise: a nack, nothing to persist
        Assert.IsType<Nack>(Assert.Single(sendNow).Message);
        Assert.False(schedule);
    }

    [Fact]
    public void A_reply_behind_unwritten_events_waits_for_their_write()
    {
        var acceptor = new Acceptor(2);
        var group = new GroupCommit();
        group.Add(acceptor.Step(new Prepare(B, 0, 1)));
        // Repeated at the promised ballot: answered again with nothing new to persist, yet the promise it repeats is not durable.
        var (sendNow, _) = group.Add(acceptor.Step(new Prepare(B, 0, 1)));
        Assert.Empty(sendNow);

        var (write, _) = group.OnFlush();
        Assert.IsType<PromiseMade>(Assert.Single(write));
        Assert.Equal(2, group.OnWritten().Send.Count(o => o.Message is Promise));
    }

    [Fact]
    public void Steps_handled_during_a_write_form_the_next_group_which_is_flushed_once_the_write_is_done()
    {
        var acceptor = new Acceptor(2);
        var group = new GroupCommit();
        group.Add(acceptor.Step(AcceptAt(0)));
        Assert.Single(group.OnFlush().Write);

        // While slot 0 is written: no marker now, the replies wait.
        var (sendNow, schedule) = group.Add(acceptor.Step(AcceptAt(1)));
        Assert.Empty(sendNow);
        Assert.False(schedule);
        Assert.False(group.Add(acceptor.Step(AcceptAt(2))).ScheduleFlush);

        var (send, again) = group.OnWritten();
        Assert.Equal(0, ((Accepted)Assert.Single(send).Message).Slot);
        Assert.True(again);
        var (write, _) = group.OnFlush();
        Assert.Equal([1L, 2], write.Cast<ValueAccepted>().Select(e => e.Slot));
        Assert.Equal([1L, 2], group.OnWritten().Send.Select(o => ((Accepted)o.Message).Slot));
    }

    [Fact]
    public void An_acceptor_that_crashes_in_the_middle_of_a_group_answers_after_recovery_only_what_it_persisted()
    {
        var journal = new List<IAcceptorEvent>();
        var acceptor = new Acceptor(2);
        var group = new GroupCommit();
        var answered = new List<Outbound>();

        group.Add(acceptor.Step(AcceptAt(0)));
        journal.AddRange(group.OnFlush().Write);
        answered.AddRange(group.OnWritten().Send);

        // Slots 1 and 2 are accepted in memory and flushed; the node crashes before their write is durable.
        group.Add(acceptor.Step(AcceptAt(1)));
        group.Add(acceptor.Step(AcceptAt(2)));
        var lost = group.OnFlush().Write;
        Assert.Equal(2, lost.Count);
        Assert.Equal([0L], answered.Select(o => ((Accepted)o.Message).Slot));

        var recovered = new Acceptor(2);
        foreach (var e in journal) recovered.Apply(e);
        Assert.Equal(B, recovered.Promised); // the accept at slot 0 carried its ballot
        var promise = (Promise)Assert.Single(recovered.Step(new Prepare(new Ballot(4, 3), 0, 3)).Send).Message;
        Assert.Equal([0L], promise.Accepted.Select(a => a.Slot));
    }
}
