using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

public sealed class SubmitBatcherTests
{
    private static LogCommand Cmd(long seq, int bytes = 10) => LogCommand.Of("c", seq, new KvPut("k", new byte[bytes]));

    [Fact]
    public void A_burst_for_one_proposer_asks_for_one_flush_and_leaves_in_one_submit_in_order()
    {
        var b = new SubmitBatcher(maxBatchBytes: 10_000);
        Assert.True(b.Add(2, 1, [Cmd(1)]));
        Assert.False(b.Add(2, 1, [Cmd(2), Cmd(3)]));
        var submit = Assert.IsType<Submit>(Assert.Single(b.Flush()).Message);
        Assert.Equal([1L, 2L, 3L], submit.Commands.Select(c => c.Seq));
        Assert.Equal(1, submit.Hops);
        Assert.Empty(b.Flush());
        Assert.True(b.Add(2, 1, [Cmd(4)])); // after a flush, the next command asks for the next one
    }

    [Fact]
    public void Commands_for_other_proposers_or_hop_counts_leave_apart()
    {
        var b = new SubmitBatcher(10_000);
        b.Add(2, 1, [Cmd(1)]);
        b.Add(3, 1, [Cmd(2)]);
        b.Add(2, 2, [Cmd(3)]);
        var sent = b.Flush();
        Assert.Equal([(2, 1, 1L), (3, 1, 2L), (2, 2, 3L)],
            sent.Select(o => (o.To, ((Submit)o.Message).Hops, Assert.Single(((Submit)o.Message).Commands).Seq)));
        Assert.All(sent, o => Assert.Equal(PaxosRole.Proposer, o.Role));
    }

    [Fact]
    public void A_submit_holds_at_most_the_batch_bytes_and_a_larger_command_goes_alone()
    {
        var size = SlotValue.EncodedSize(Cmd(1, 100));
        var b = new SubmitBatcher(maxBatchBytes: 2 * size);
        b.Add(2, 1, [Cmd(1, 100), Cmd(2, 100), Cmd(3, 100), Cmd(4, 5000)]);
        var parts = b.Flush().Select(o => ((Submit)o.Message).Commands.Select(c => c.Seq).ToArray()).ToList();
        Assert.Equal([[1L, 2L], [3L], [4L]], parts);
    }
}
