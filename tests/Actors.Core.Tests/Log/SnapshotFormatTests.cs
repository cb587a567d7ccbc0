using Actors.Core.Log;
using Xunit;

namespace Actors.Core.Tests.Log;

public sealed class SnapshotFormatTests
{
    private static readonly StateSnapshot Sample = new(41, 1_700_000_000_123,
        [new ServiceSection(0, 1, [1, 2, 3]), new ServiceSection(1, 1, []), new ServiceSection(100, 7, [9])]);

    [Fact]
    public void A_snapshot_reads_back_as_written()
    {
        Assert.Equal(Sample, SnapshotFormat.Decode(SnapshotFormat.Encode(Sample)));
        Assert.Equal(StateSnapshot.Empty, SnapshotFormat.Decode(SnapshotFormat.Encode(StateSnapshot.Empty)));
    }

    [Theory]
    [InlineData(1)] // cut inside the header
    [InlineData(25)] // cut inside a section
    public void Bytes_cut_short_or_with_bytes_left_over_are_refused_as_malformed(int keep)
    {
        var bytes = SnapshotFormat.Encode(Sample);
        var e = Assert.Throws<LogFormatException>(() => SnapshotFormat.Decode(bytes.AsSpan(0, keep)));
        Assert.False(e.Newer);
        Assert.Throws<LogFormatException>(() => SnapshotFormat.Decode([.. bytes, 0]));
    }

    [Fact]
    public void A_section_said_to_be_longer_than_the_bytes_or_without_its_tag_is_refused()
    {
        var bytes = SnapshotFormat.Encode(Sample);
        var longer = bytes.ToArray();
        longer[20 + 9] = 0xFF; // the first section's length
        Assert.Contains("said to hold", Assert.Throws<LogFormatException>(() => SnapshotFormat.Decode(longer)).Message);
        var untagged = bytes.ToArray();
        untagged[20] = 1; // an earlier version's section id
        Assert.Contains("no section header", Assert.Throws<LogFormatException>(() => SnapshotFormat.Decode(untagged)).Message);
    }
}
