using System.Collections.Immutable;
using System.Text;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Xunit;
using Actors.Core.Log;

namespace Actors.Core.Tests.Paxos;

/// <summary>The leader's window: it widens only while batches are full and narrows back once idle.</summary>
public sealed class LeaderWindowTests
{
    private static readonly PaxosConfig Config = new([0, 1, 2], Window: 2, MaxBatch: 4, MaxWindow: 8);

    private static ImmutableArray<LogCommand> Commands(int n, int from = 0) =>
        Enumerable.Range(from, n).Select(i => LogCommand.Of("c", i + 1, new KvPut("k", Encoding.UTF8.GetBytes("v" + i)))).ToImmutableArray();

    private static Proposer Leader()
    {
        var p = new Proposer(Config, 0, new Random(1));
        p.TickUntilCandidate();
        p.Step(new Promise(p.Ballot, 1, [], -1));
        p.Step(new Promise(p.Ballot, 2, [], -1));
        Assert.Equal(ProposerRole.Leader, p.Role);
        return p;
    }

    private static List<Accept> Accepts(Effects fx) =>
        fx.Send.Where(o => o.To == 1).Select(o => o.Message).OfType<Accept>().ToList();

    [Fact]
    public void Commands_that_fit_the_window_in_partial_batches_never_widen_it()
    {
        var p = Leader();
        // Two slots of at most four commands hold seven: the second batch is not full, so nothing widens.
        var fx = p.Step(new Submit(Commands(7), 0));
        Assert.Equal([4, 3], Accepts(fx).Select(a => a.Value.Commands.Length));
        Assert.Equal(2, p.Window);
        fx = p.Step(new Submit(Commands(3, 7), 0));
        Assert.Empty(Accepts(fx)); // the window is full; three commands do not make a full batch
        Assert.Equal(2, p.Window);
        Assert.Equal(3, p.PendingCount);
    }

    [Fact]
    public void A_full_batch_waiting_behind_a_full_window_doubles_it_up_to_the_maximum()
    {
        var p = Leader();
        var fx = p.Step(new Submit(Commands(40), 0));
        var accepts = Accepts(fx);
        Assert.Equal(8, p.Window);                 // 2 -> 4 -> 8, the maximum
        Assert.Equal(8, accepts.Count);            // eight full slots in flight
        Assert.All(accepts, a => Assert.Equal(4, a.Value.Commands.Length));
        Assert.Equal(8, p.PendingCount);           // the rest waits for the window
    }

    [Fact]
    public void An_idle_leader_halves_its_window_back_to_the_configured_one()
    {
        var p = Leader();
        var fx = p.Step(new Submit(Commands(16), 0));
        Assert.Equal(4, p.Window);
        foreach (var a in Accepts(fx))
        {
            p.Step(new Accepted(a.Ballot, a.Slot, 1));
            p.Step(new Accepted(a.Ballot, a.Slot, 2));
        }
        Assert.Equal(0, p.InFlightCount);
        p.Step(Tick.Instance);
        Assert.Equal(2, p.Window);
        p.Step(Tick.Instance);
        Assert.Equal(2, p.Window);
    }
}
