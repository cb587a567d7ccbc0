using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

/// <summary>
/// Journal appends of 1 MiB go through every message that carries commands without making one larger than a batch
/// (so that none goes over the transport's frame size): accepts, promise pages, catch-up answers and forwarded submits.
/// </summary>
public sealed class LargeOperationTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 4, MaxWindow: 4);
    private const int Appends = 40;

    private static LogCommand Append(int i) => LogCommand.Of("c" + i, 1, new JournalAppend("entity-" + i,
        [new JournalEvent(1, 1, "m", new byte[JournalLimits.MaxPayloadBytes], "writer")]));

    private static long Bound => Config.MaxBatchBytes + 12;

    [Fact]
    public void A_journal_append_is_sized_by_its_encoding()
    {
        Assert.True(SlotValue.EncodedSize(Append(1)) > JournalLimits.MaxPayloadBytes);
        Assert.True(SlotValue.EncodedSize(Append(1)) <= JournalLimits.MaxOperationBytes);
    }

    [Fact]
    public void A_leader_puts_forty_one_mebibyte_appends_in_slots_no_larger_than_a_batch()
    {
        var p = new Proposer(Config, 0, new Random(1));
        p.TickUntilCandidate();
        p.Step(new Promise(p.Ballot, 1, [], -1));
        p.Step(new Promise(p.Ballot, 2, [], -1));
        Assert.Equal(ProposerRole.Leader, p.Role);

        var accepts = new List<Accept>();
        var fx = p.Step(new Submit([.. Enumerable.Range(1, Appends).Select(Append)], 0));
        for (var rounds = 0; rounds < 1000; rounds++)
        {
            var sent = fx.Send.Select(o => o.Message).OfType<Accept>().Where(a => a.From == 0).DistinctBy(a => a.Slot).ToList();
            accepts.AddRange(sent.Where(a => accepts.All(x => x.Slot != a.Slot)));
            if (accepts.Sum(a => a.Value.Commands.Length) == Appends) break;
            fx = new Effects();
            foreach (var a in sent)
            {
                fx.Send.AddRange(p.Step(new Accepted(a.Ballot, a.Slot, 1)).Send);
                fx.Send.AddRange(p.Step(new Accepted(a.Ballot, a.Slot, 2)).Send);
            }
            if (sent.Count == 0) fx = p.Step(Tick.Instance);
        }

        Assert.Equal(Appends, accepts.Sum(a => a.Value.Commands.Length));
        Assert.All(accepts, a => Assert.True(a.Value.EncodedSize() <= Bound, $"slot {a.Slot}: {a.Value.EncodedSize()} bytes"));
    }

    [Fact]
    public void An_acceptor_pages_forty_one_mebibyte_appends_into_promises_no_larger_than_a_batch()
    {
        var a = new Acceptor(0, Config.MaxBatchBytes);
        for (var slot = 0; slot < Appends; slot++) a.Step(new Accept(new Ballot(1, 1), slot, new SlotValue([Append(slot)]), 1));
        var pages = a.Step(new Prepare(new Ballot(2, 2), 0, 2)).Send.Select(o => o.Message).Cast<Promise>().ToList();

        Assert.Equal(Appends, pages.Sum(p => p.Accepted.Length));
        Assert.All(pages, p => Assert.True(p.Accepted.Sum(s => s.Value.EncodedSize() + 24) <= Config.MaxBatchBytes));
    }

    [Fact]
    public void A_replica_answers_a_catch_up_for_forty_one_mebibyte_appends_in_answers_no_larger_than_a_batch()
    {
        var r = new Replica(Config, 0, LogRules.Default);
        for (var slot = 0; slot < Appends; slot++) r.Step(new Decision(slot, new SlotValue([Append(slot)])));

        var answer = Assert.IsType<CatchUpResponse>(Assert.Single(r.Step(new CatchUpRequest(1, 0)).Send).Message);
        Assert.InRange(answer.Decisions.Length, 1, Appends - 1);
        Assert.True(answer.Decisions.Sum(d => d.Value.EncodedSize()) <= Bound);
    }

    [Fact]
    public void A_follower_forwards_forty_one_mebibyte_appends_in_submits_no_larger_than_a_batch()
    {
        var p = new Proposer(Config, 1, new Random(1));
        for (var i = 1; i <= Appends; i++) p.Step(new Submit([Append(i)], 0)); // no leader known: held
        var submits = p.Step(new Heartbeat(new Ballot(3, 0), 0, 0)).Send.Select(o => o.Message).OfType<Submit>().ToList();

        Assert.Equal(Appends, submits.Sum(s => s.Commands.Length));
        Assert.All(submits, s => Assert.True(s.Commands.Sum(SlotValue.EncodedSize) <= Config.MaxBatchBytes));
    }
}
