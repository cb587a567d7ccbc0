using System.Collections.Immutable;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

public sealed class SnapshotSavesTests
{
    private static StateSnapshot At(long slot) => new(slot, 0, ImmutableArray<ServiceSection>.Empty);

    [Fact]
    public void One_save_at_a_time_and_the_newest_waiting_snapshot_replaces_an_older_one()
    {
        var s = new SnapshotSaves();
        Assert.Equal(At(10), s.Offer(At(10)));
        Assert.Null(s.Offer(At(20)));
        Assert.Null(s.Offer(At(30)));
        var ended = s.End(first: 5);
        Assert.True(ended.Whole);
        Assert.Equal(At(10), ended.Saved);
        Assert.Equal(At(30), ended.Next); // 20 was replaced while it waited
        Assert.Equal(At(30), s.Saving);
        Assert.Null(s.End(9).Next);
        Assert.Null(s.Saving);
    }

    [Fact]
    public void A_save_with_a_refused_piece_is_not_whole_and_is_made_again_after_the_pause()
    {
        var s = new SnapshotSaves();
        s.Offer(At(10));
        s.PieceRefused();
        Assert.False(s.Continue);
        var ended = s.End(first: 5);
        Assert.False(ended.Whole);
        Assert.Null(ended.Next); // not at once: after a pause
        Assert.Equal(At(10), s.Retry());
        Assert.True(s.Continue);
        Assert.True(s.End(7).Whole);
    }

    [Fact]
    public void A_save_that_wrote_nothing_is_not_whole_and_a_newer_snapshot_waiting_is_saved_instead()
    {
        var s = new SnapshotSaves();
        s.Offer(At(10));
        Assert.Null(s.Offer(At(20)));
        Assert.False(s.End(first: 0).Whole);
        Assert.Equal(At(20), s.Retry());
        Assert.Null(s.Waiting);
    }

    [Fact]
    public void A_retry_while_a_save_is_under_way_starts_nothing()
    {
        var s = new SnapshotSaves();
        s.Offer(At(10));
        Assert.Null(s.Retry());
        Assert.Throws<InvalidOperationException>(() => new SnapshotSaves().End(1));
    }
}
