using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

public sealed class MessageBoundsTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 2, MaxBatch: 10);

    private static LogCommand Cmd(string client, long seq, int bytes = 10) => LogCommand.Of(client, seq, new KvPut("k", new byte[bytes]));

    private static SlotValue V(int slot, int bytes) => new(ImmutableArray.Create(Cmd("c" + slot, 1, bytes)));

    [Fact]
    public void An_acceptor_pages_a_promise_by_bytes_and_every_page_names_the_page_count()
    {
        var a = new Acceptor(0, maxPageBytes: 1000);
        for (var slot = 0; slot < 10; slot++) a.Step(new Accept(new Ballot(1, 1), slot, V(slot, 400), 1));
        var fx = a.Step(new Prepare(new Ballot(2, 2), 0, 2));
        var pages = fx.Send.Select(o => o.Message).Cast<Promise>().ToList();

        Assert.True(pages.Count >= 4, $"{pages.Count} pages");
        Assert.All(pages, p => Assert.Equal(pages.Count, p.Pages));
        Assert.Equal(Enumerable.Range(0, pages.Count), pages.Select(p => p.Page));
        Assert.All(pages, p => Assert.True(p.Accepted.Sum(s => s.Value.EncodedSize()) <= 1000));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), pages.SelectMany(p => p.Accepted).Select(s => s.Slot));
    }

    [Fact]
    public void A_value_larger_than_a_page_travels_alone()
    {
        var a = new Acceptor(0, maxPageBytes: 100);
        a.Step(new Accept(new Ballot(1, 1), 0, V(0, 500), 1));
        a.Step(new Accept(new Ballot(1, 1), 1, V(1, 500), 1));
        var pages = a.Step(new Prepare(new Ballot(2, 2), 0, 2)).Send.Select(o => o.Message).Cast<Promise>().ToList();
        Assert.Equal(2, pages.Count);
        Assert.All(pages, p => Assert.Single(p.Accepted));
    }

    [Fact]
    public void A_candidate_counts_a_paged_promise_only_once_all_its_pages_arrived_in_any_order()
    {
        var p = new Proposer(Config, 0, new Random(1));
        Effects fx;
        fx = p.TickUntilCandidate();
        var b = p.Ballot;
        var value = V(3, 10);

        p.Step(new Promise(b, 0, ImmutableArray<AcceptedSlot>.Empty, -1));
        p.Step(new Promise(b, 1, ImmutableArray<AcceptedSlot>.Empty, -1, Page: 1, Pages: 2));
        p.Step(new Promise(b, 1, ImmutableArray<AcceptedSlot>.Empty, -1, Page: 1, Pages: 2)); // a duplicate
        Assert.Equal(ProposerRole.Candidate, p.Role);

        fx = p.Step(new Promise(b, 1, ImmutableArray.Create(new AcceptedSlot(3, new Ballot(1, 1), value)), -1, Page: 0, Pages: 2));
        Assert.Equal(ProposerRole.Leader, p.Role);
        // The value on the first page (which came last) is re-proposed in its slot.
        Assert.Contains(fx.Send.Select(o => o.Message).OfType<Accept>(), a => a.Slot == 3 && ReferenceEquals(a.Value, value));
    }

    [Fact]
    public void Pages_of_two_answers_to_one_prepare_are_never_mixed()
    {
        // Acceptor 1 answers a duplicated prepare twice and compacts in between, so its pages cut at other slots.
        var p = new Proposer(Config, 0, new Random(1));
        Effects fx;
        fx = p.TickUntilCandidate();
        var b = p.Ballot;
        AcceptedSlot At(long slot) => new(slot, new Ballot(1, 1), V((int)slot, 10));
        p.Step(new Promise(b, 0, ImmutableArray<AcceptedSlot>.Empty, -1));

        var first0 = new Promise(b, 1, ImmutableArray.Create(At(10), At(11)), 9, Page: 0, Pages: 2);
        var second1 = new Promise(b, 1, ImmutableArray.Create(At(14)), 11, Page: 1, Pages: 2);
        p.Step(first0);
        fx = p.Step(second1);
        Assert.Equal(ProposerRole.Candidate, p.Role); // slots 12 and 13 would be missing from the mix

        var first1 = new Promise(b, 1, ImmutableArray.Create(At(12), At(13), At(14)), 9, Page: 1, Pages: 2);
        p.Step(first1); // a late page of the older answer: ignored
        Assert.Equal(ProposerRole.Candidate, p.Role);

        fx = p.Step(new Promise(b, 1, ImmutableArray.Create(At(12), At(13)), 11, Page: 0, Pages: 2));
        Assert.Equal(ProposerRole.Leader, p.Role);
        var reproposed = fx.Send.Select(o => o.Message).OfType<Accept>().Select(a => a.Slot).Distinct().Order().ToList();
        Assert.Equal([12L, 13L, 14L], reproposed);
    }

    [Fact]
    public void Forwarded_commands_are_split_into_messages_bounded_in_bytes()
    {
        var commands = Enumerable.Range(1, 50).Select(i => Cmd("c", i, 100)).ToList();
        var parts = Proposer.SplitByBytes(commands, 1000).ToList();
        Assert.True(parts.Count > 1);
        Assert.All(parts, part => Assert.True(part.Sum(SlotValue.EncodedSize) <= 1000));
        Assert.Equal(commands, parts.SelectMany(x => x));
    }

    [Fact]
    public void A_follower_forwards_a_large_backlog_to_the_leader_in_bounded_submits()
    {
        var p = new Proposer(Config with { MaxBatchBytes = 1000 }, 1, new Random(1));
        for (var i = 1; i <= 40; i++) p.Step(new Submit(ImmutableArray.Create(Cmd("c", i, 100)), 0)); // no leader known: held
        var fx = p.Step(new Heartbeat(new Ballot(3, 0), 0, 0));
        var submits = fx.Send.Select(o => o.Message).OfType<Submit>().ToList();
        Assert.True(submits.Count > 1);
        Assert.Equal(40, submits.Sum(s => s.Commands.Length));
        Assert.All(submits, s => Assert.True(s.Commands.Sum(SlotValue.EncodedSize) <= 1000));
    }
}
