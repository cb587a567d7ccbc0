using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Ring;
using Xunit;

namespace Actors.Core.Tests.Log;

public sealed class LogServiceTests
{
    /// <summary>One operation of every concrete kind the log carries.</summary>
    private static readonly LogOp[] Samples =
    [
        new KvPut("k", [1]), new KvGet("k"), new KvCas("k", null, [2]), new KvDelete("k"),
        new RingJoin(1, "a", 1), new RingLeave(1), new RingDrain(1), new RingWeight(1, 2),
        new JournalAppend("p", [new JournalEvent(1, 1, "m", [3], "w")]), new JournalDelete("p", 1),
        new SnapshotSave("p", new StoredSnapshot(1, 0, 1, "m", [4])), new SnapshotDelete("p", SnapshotRange.All),
        ReadBarrier.Instance,
    ];

    [Fact]
    public void Every_kind_of_operation_has_a_sample_here()
    {
        var kinds = typeof(LogOp).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LogOp)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(kinds.OrderBy(t => t.Name), Samples.Select(s => s.GetType()).Distinct().OrderBy(t => t.Name));
    }

    [Fact]
    public void Every_kind_of_operation_has_its_own_tag_and_none_is_the_issue_time_tag()
    {
        // 0xFF is the serializer's tag for the issue time before an operation; 0 was the digest's "unknown".
        var tags = Samples.Select(s => s.Kind).ToList();
        Assert.Equal(tags.Count, tags.Distinct().Count());
        Assert.All(tags, t => Assert.InRange(t, (byte)1, (byte)0xFE));
    }

    [Fact]
    public void Every_operation_belongs_to_exactly_one_service()
    {
        var state = new ReplicatedState(LogRules.Default);
        foreach (var op in Samples)
            Assert.True(state.Services.Count(s => s.Owns(op)) == 1, $"{op.GetType().Name} is owned by {string.Join(", ", state.Services.Where(s => s.Owns(op)).Select(s => s.Name))}");
        Assert.Equal(["kv", "ring", "journal", "log"], state.Services.Select(s => s.Name));
    }

    [Fact]
    public void The_data_held_to_the_state_limit_is_the_stores_and_the_journals_not_the_ring()
    {
        var state = new ReplicatedState(LogRules.Default);
        state.Apply(new LogCommand("~e", 1, new RingJoin(1, "akka.tcp://actors@127.0.0.1:4053", 1)));
        Assert.Equal(0, state.DataBytes);
        state.Apply(new LogCommand("~e", 2, new KvPut("k", [1, 2])));
        state.Apply(new LogCommand("~e", 3, new JournalAppend("p", [new JournalEvent(1, 1, "m", [3], "w")])));
        Assert.Equal(state.Kv.Bytes + state.Journal.Bytes, state.DataBytes);
        Assert.True(state.Kv.Bytes > 0 && state.Journal.Bytes > 0);
        Assert.Equal("RingLeave { Node = 4 }", new RingLeave(4).ToString());
    }

    [Fact]
    public void Reads_are_the_get_and_the_barrier_and_only_they_are_answered_off_the_log()
    {
        Assert.Equal(["KvGet", "ReadBarrier"], Samples.Where(s => s.IsRead).Select(s => s.GetType().Name).Order());
        var state = new ReplicatedState(LogRules.Default);
        Assert.Equal(CommandStatus.Ok, state.Apply(new LogCommand("c", 1, new KvPut("k", [7]), 1)).Status);
        Assert.Equal([7], state.Read(new LogCommand("c", 2, new KvGet("k"))).Value);
        var write = state.Read(new LogCommand("c", 3, new KvPut("k", [8])));
        Assert.Equal(CommandStatus.Rejected, write.Status);
        Assert.Equal([7], state.Kv.Peek("k"));
    }

    [Fact]
    public void Operations_compare_by_content_within_their_kind()
    {
        Assert.True(LogOp.ContentEquals(new KvPut("k", [1, 2]), new KvPut("k", [1, 2])));
        Assert.False(LogOp.ContentEquals(new KvPut("k", [1, 2]), new KvPut("k", [1, 3])));
        Assert.False(LogOp.ContentEquals(new KvPut("k", [1]), new KvCas("k", null, [1])));
        var e = new JournalEvent(1, 1, "m", [3], "w");
        Assert.True(LogOp.ContentEquals(new JournalAppend("p", [e]), new JournalAppend("p", [e with { Payload = [3] }])));
        Assert.False(LogOp.ContentEquals(new JournalAppend("p", [e]), new JournalAppend("p", [e with { Payload = [4] }])));
        var snap = new StoredSnapshot(1, 0, 1, "m", [4]);
        Assert.True(LogOp.ContentEquals(new SnapshotSave("p", snap), new SnapshotSave("p", snap with { Payload = [4] })));
        Assert.False(LogOp.ContentEquals(new SnapshotSave("p", snap), new SnapshotSave("p", snap with { Payload = [5] })));
        Assert.True(LogOp.ContentEquals(new RingLeave(1), new RingLeave(1)));
        Assert.True(LogOp.ContentEquals(ReadBarrier.Instance, new ReadBarrier()));
    }
}

/// <summary>
/// Every operation's digest and encoded size, pinned: digests are stored in the sessions of every snapshot and compared
/// on every replica, so a change would make a retry across an upgrade look like another command.
/// </summary>
public sealed class OperationDigestTests
{
    public static IEnumerable<object[]> Pinned() => new (LogOp Op, string Digest, long Size)[]
    {
        (new KvPut("k", [1]), "569e5fdfeb894962", 10),
        (new KvGet("k"), "16f10a4d135da927", 5),
        (new KvCas("k", null, [2]), "a96fcf51268f8c3a", 14),
        (new KvCas("k", [1], [2]), "341e237a0a5b5ec3", 15),
        (new KvDelete("k"), "18f4ac57b50f614f", 5),
        (new RingJoin(1, "a", 1.5), "35520bb871fee664", 17),
        (new RingLeave(1), "90a6af6409442cab", 4),
        (new RingDrain(1), "d4e14b0b3fb0ee1a", 4),
        (new RingWeight(1, 2), "f6ee1a2aaa223a09", 12),
        (new JournalAppend("p", [new JournalEvent(1, 1, "m", [3], "w"), new JournalEvent(2, 1, "m", [], "w")]), "41c31f29c36f204f", 62),
        (new JournalDelete("p", 1), "8c0173479d411212", 13),
        (new SnapshotSave("p", new StoredSnapshot(1, 0, 1, "m", [4])), "3f6075b928978e71", 35),
        (new SnapshotDelete("p", SnapshotRange.All), "d9cfb01c1d8ee08c", 37),
        (ReadBarrier.Instance, "2078e1ad38ad738b", 0),
    }.Select(p => new object[] { p.Op, p.Digest, p.Size });

    [Theory]
    [MemberData(nameof(Pinned))]
    public void An_operations_digest_and_size_never_change(LogOp op, string digest, long size)
    {
        Assert.Equal(digest, CommandDigest.Of(op).ToString("x16"));
        Assert.Equal(size, EncodedSize.Of(op));
    }
}
