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
    public void Beyond_the_last_64_a_request_id_older_than_the_max_age_behind_the_newest_add_is_forgotten()
    {
        var c = CounterState.Empty(1000, maxAge: 1000);
        for (var i = 0; i < 70; i++) c = c.Apply("old-" + i, 1, at: i);
        c = c.Apply("new", 1, at: 1500);
        // 71 ids: the oldest beyond the last 64 are more than 1000 ms older than the newest, and go.
        Assert.Equal(CounterState.AlwaysKept, c.Count);
        Assert.False(c.Seen("old-6"));
        Assert.True(c.Seen("old-7"));
        Assert.Equal(72, c.Apply("old-0", 1, at: 1500).Value); // forgotten: applied again
        Assert.Equal(71, c.Apply("old-8", 1, at: 1500).Value); // remembered: a retry
    }

    [Fact]
    public void A_clock_far_ahead_cannot_make_a_counter_forget_its_last_adds()
    {
        // The shard moved to a node whose clock is an hour ahead; the client retries an add it sent before the move.
        var c = CounterState.Empty(1000, maxAge: 1000);
        for (var i = 0; i < 10; i++) c = c.Apply("r" + i, 1, at: 10_000);
        c = c.Apply("other", 1, at: 10_000 + 3_600_000);
        Assert.True(c.Seen("r9"));
        Assert.Equal(11, c.Apply("r9", 1, at: 10_000 + 3_600_000).Value);
        // Ids still expire in the order they were added, from the newest time known.
        var restored = CounterState.Restore(c.Value, c.Recent, 1000, maxAge: 1000);
        Assert.Equal(c.Recent.Select(r => r.Id), restored.Recent.Select(r => r.Id));
    }

    [Fact]
    public void Ids_from_before_times_were_kept_count_from_the_first_time_known()
    {
        // A snapshot of an older version: 70 ids without times.
        var legacy = CounterState.Restore(70, Enumerable.Range(0, 70).Select(i => ("legacy-" + i, 0L)), 1000, maxAge: 1000);
        var c = legacy.Apply("new", 1, at: 1_700_000_000_000);
        Assert.Equal(71, c.Count); // none aged out at once
        Assert.True(c.Seen("legacy-0"));
        c = c.Apply("later", 1, at: 1_700_000_000_000 + 2000);
        Assert.False(c.Seen("legacy-0")); // 2 s later they are older than the max age
        Assert.Equal(CounterState.AlwaysKept, c.Count);
    }
}
