using Actors.Core.Counter;
using Xunit;

namespace Actors.Core.Tests.Counter;

public sealed class CounterStateTests
{
    [Fact]
    public void Adds_sum_up_and_a_repeated_request_id_is_applied_once()
    {
        var c = CounterState.Empty(10).Apply("a", 5).Apply("b", -2).Apply("a", 5);
        Assert.Equal(3, c.Value);
        Assert.True(c.Seen("a"));
        Assert.False(c.Seen("z"));
    }

    [Fact]
    public void Only_the_last_remembered_request_ids_are_kept_oldest_first()
    {
        var c = CounterState.Empty(3);
        foreach (var id in new[] { "a", "b", "c", "d" }) c = c.Apply(id, 1);
        Assert.Equal(["b", "c", "d"], c.Recent.Select(r => r.Id));
        Assert.False(c.Seen("a"));
        Assert.Equal(5, c.Apply("a", 1).Value); // forgotten, so applied again: the documented limit
        var restored = CounterState.Restore(c.Value, c.Recent, 3);
        Assert.Equal(4L, restored.Value);
        Assert.Equal(["b", "c", "d"], restored.Recent.Select(r => r.Id));
        Assert.Equal(4, restored.Apply("c", 1).Value);
    }

    [Fact]
    public void A_journaled_add_replays_even_when_its_id_is_still_remembered()
    {
        // Written after "a" was forgotten (remembered-requests was 1 then), replayed with a larger window.
        var c = CounterState.Empty(5).Replay("a", 1).Replay("b", 1).Replay("a", 1);
        Assert.Equal(3, c.Value);
        Assert.Equal(["a", "b"], c.Recent.Select(r => r.Id));
    }

    [Fact]
    public void An_empty_request_id_and_an_overflow_are_refused()
    {
        var c = CounterState.Empty(3).Apply("a", long.MaxValue - 1);
        Assert.NotNull(c.Check("", 1));
        Assert.Contains("overflows", c.Check("b", 2));
        Assert.Null(c.Check("b", 1));
        Assert.Contains("overflows", CounterState.Empty(3).Apply("a", long.MinValue + 1).Check("b", -2));
        Assert.Contains("longer than 256 bytes", c.Check(new string('r', 257), 1));
        Assert.Null(c.Check(new string('r', 256), 1));
    }

    [Fact]
    public void A_request_id_older_than_the_max_age_behind_the_newest_add_is_forgotten()
    {
        var c = CounterState.Empty(100, maxAge: 1000).Apply("a", 1, at: 0).Apply("b", 1, at: 600).Apply("c", 1, at: 1500);
        Assert.Equal(["b", "c"], c.Recent.Select(r => r.Id));
        Assert.Equal(4, c.Apply("a", 1, at: 1500).Value); // forgotten: applied again
        Assert.Equal(3, c.Apply("b", 1, at: 1500).Value); // within the age: a retry
    }

    [Fact]
    public void An_add_stamped_by_a_clock_behind_the_newest_counts_from_the_newest_and_expiry_survives_a_restore()
    {
        // The shard moved to a node whose clock is 5 s behind: ids still expire in the order they were added.
        var c = CounterState.Empty(100, maxAge: 1000).Apply("a", 1, at: 10_000).Apply("b", 1, at: 5_000);
        Assert.Equal([10_000L, 10_000L], c.Recent.Select(r => r.At));
        var restored = CounterState.Restore(c.Value, c.Recent, 100, maxAge: 1000).Apply("c", 1, at: 11_500);
        Assert.Equal(["c"], restored.Recent.Select(r => r.Id));
        Assert.Equal(3, restored.Value);
    }
}
