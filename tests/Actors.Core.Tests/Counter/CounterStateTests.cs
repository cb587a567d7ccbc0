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
        Assert.Equal(["b", "c", "d"], c.Recent);
        Assert.False(c.Seen("a"));
        Assert.Equal(5, c.Apply("a", 1).Value); // forgotten, so applied again: the documented limit
        var restored = CounterState.Restore(c.Value, c.Recent, 3);
        Assert.Equal(4L, restored.Value);
        Assert.Equal(["b", "c", "d"], restored.Recent);
        Assert.Equal(4, restored.Apply("c", 1).Value);
    }

    [Fact]
    public void A_journaled_add_replays_even_when_its_id_is_still_remembered()
    {
        // Written after "a" was forgotten (remembered-requests was 1 then), replayed with a larger window.
        var c = CounterState.Empty(5).Replay("a", 1).Replay("b", 1).Replay("a", 1);
        Assert.Equal(3, c.Value);
        Assert.Equal(["a", "b"], c.Recent);
    }

    [Fact]
    public void An_empty_request_id_and_an_overflow_are_refused()
    {
        var c = CounterState.Empty(3).Apply("a", long.MaxValue - 1);
        Assert.NotNull(c.Check("", 1));
        Assert.Contains("overflows", c.Check("b", 2));
        Assert.Null(c.Check("b", 1));
        Assert.Contains("overflows", CounterState.Empty(3).Apply("a", long.MinValue + 1).Check("b", -2));
    }
}
