using Actors.Tests.Shared;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Log;

public sealed class EntryWaitersTests
{
    private static LogCommand Put(string client, long seq, string value) => LogCommand.Of(client, seq, new KvPut("k", [(byte)value[0]]), 1);

    [Fact]
    public void Two_requests_that_share_a_pair_get_each_the_reply_to_their_own_command()
    {
        var w = new EntryWaiters<string>(timeoutTicks: 10, resubmitTicks: 5);
        w.Wait("a", 7, Put("c", 7, "x"));
        w.Wait("b", 7, Put("c", 7, "y"));
        var forY = w.Answered(Put("c", 7, "y"));
        Assert.Equal(["b"], forY.Select(x => x.Requester));
        Assert.Equal(1, w.Count);
        Assert.Equal(["a"], w.Answered(Put("c", 7, "x")).Select(x => x.Requester));
        Assert.Equal(0, w.Count);
        Assert.Empty(w.Answered(Put("c", 7, "x")));
    }

    [Fact]
    public void A_retry_of_the_same_command_from_the_same_requester_replaces_its_waiter()
    {
        var w = new EntryWaiters<string>(10, 5);
        w.Wait("a", 7, Put("c", 7, "x"));
        w.Wait("a", 7, Put("c", 7, "x"));
        w.Wait("b", 7, Put("c", 7, "x"));
        Assert.Equal(2, w.Count);
        Assert.Equal(["a", "b"], w.Answered(Put("c", 7, "x")).Select(x => x.Requester));
    }

    [Fact]
    public void Unanswered_commands_are_submitted_again_when_safe_and_time_out_after_the_timeout()
    {
        var w = new EntryWaiters<string>(timeoutTicks: 12, resubmitTicks: 5);
        var write = Put("c", 1, "x");
        var single = LogCommand.Of("~e1", 1, new KvPut("k", [1]));
        var read = LogCommand.Of("~e1", 2, new KvGet("k"));
        var ring = LogCommand.Of("~e1", 3, new RingLeave(4));
        w.Wait("a", 1, write);
        w.Wait("b", 0, single, raw: true);
        w.Wait("c", 0, read);
        w.Wait("d", 0, ring);
        // Held before tick 1: five whole ticks pass at tick 6.
        for (var i = 1; i <= 5; i++) Assert.Empty(w.Tick().Again);
        // A write with a client id, a read and an idempotent operation go again; a single-use write never does.
        var (again, expired) = w.Tick();
        Assert.Equal(new HashSet<LogCommand> { write, read, ring }, again.Select(x => x.Command).ToHashSet());
        Assert.Empty(expired);
        for (var i = 7; i <= 11; i++) Assert.Empty(w.Tick().Again);
        // Tick 12: sent again; none timed out yet. Twelve whole ticks pass at tick 13.
        (again, expired) = w.Tick();
        Assert.Equal(3, again.Count);
        Assert.Empty(expired);
        (again, expired) = w.Tick();
        Assert.Equal(["a", "b", "c", "d"], expired.Select(x => x.Requester).Order());
        Assert.True(expired.Single(x => x.Requester == "b").Raw);
        Assert.Equal(0, w.Count);
        Assert.Empty(w.Answered(write));
    }

    [Fact]
    public void A_waiter_never_times_out_before_its_whole_ticks_have_passed_and_a_retry_starts_them_again()
    {
        var w = new EntryWaiters<string>(timeoutTicks: 1, resubmitTicks: 100);
        w.Wait("a", 1, Put("c", 1, "x"));
        // Held between ticks: the tick that follows at once is not a whole tick of waiting.
        Assert.Empty(w.Tick().Expired);
        // Its retry from the same requester replaces it, deadline and all.
        w.Wait("a", 1, Put("c", 1, "x"));
        Assert.Empty(w.Tick().Expired);
        Assert.Single(w.Tick().Expired);
    }

    [Fact]
    public void An_answer_stops_the_resubmits_and_the_timeout()
    {
        var w = new EntryWaiters<string>(timeoutTicks: 3, resubmitTicks: 1);
        w.Wait("a", 1, Put("c", 1, "x"));
        Assert.Empty(w.Tick().Again);
        Assert.Single(w.Tick().Again);
        Assert.Single(w.Answered(Put("c", 1, "x")));
        for (var i = 0; i < 5; i++)
        {
            var (again, expired) = w.Tick();
            Assert.Empty(again);
            Assert.Empty(expired);
        }
    }
}

/// <summary>Waits with the operation the command carries.</summary>
internal static class EntryWaitersExtensions
{
    public static void Wait(this EntryWaiters<string> w, string requester, long requestSeq, LogCommand command, bool raw = false) =>
        w.Wait(requester, requestSeq, command, command.Decoded(), raw);
}
