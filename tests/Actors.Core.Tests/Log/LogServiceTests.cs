using Actors.Tests.Shared;
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
        new KvPut("k", [1]), new KvGet("k"), new KvCas("k", null, [2]), new KvCas("k", [], [2]), new KvDelete("k"),
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
    public void Every_kind_of_operation_has_its_own_digest_kind_within_its_service()
    {
        foreach (var service in Samples.GroupBy(s => s.Service))
            Assert.Equal(service.Select(s => s.GetType()).Distinct().Count(), service.Select(s => s.Kind).Distinct().Count());
    }

    [Fact]
    public void Every_operation_is_read_back_by_the_service_its_command_names()
    {
        var state = new ReplicatedState(LogRules.Default);
        Assert.Equal(["kv", "ring", "journal", "log"], state.Services.Select(s => s.Name));
        Assert.Equal(state.Services.Count, state.Services.Select(s => s.Id).Distinct().Count());
        foreach (var op in Samples)
        {
            var command = LogCommand.Of("c", 1, op);
            Assert.Equal(op.Service, command.Service);
            var back = state.Operation(command);
            Assert.Equal(op.GetType(), back.GetType());
            Assert.Equal(command.Op, back.Encode());
            Assert.Equal(CommandDigest.Of(op), CommandDigest.Of(back));
            if (op is KvCas cas) Assert.Equal(cas.Expected is null, ((KvCas)back).Expected is null); // absent is not empty
        }
    }

    [Fact]
    public void A_command_with_bytes_no_version_reads_is_refused_and_changes_nothing()
    {
        var state = new ReplicatedState(LogRules.Default);
        var garbage = state.Apply(new LogCommand("c", 2, KvStateMachine.ServiceId, [0xFF, 0xFF, 0xFF]));
        Assert.Equal(CommandStatus.Rejected, garbage.Status);
        Assert.Contains("kv: malformed", garbage.Error);
        var empty = state.Apply(new LogCommand("c", 3, KvStateMachine.ServiceId, []));
        Assert.Equal(CommandStatus.Rejected, empty.Status);
        Assert.Contains("kv: an operation of no kind", empty.Error);
        Assert.Equal(0, state.SessionCount);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("c", 4, new KvPut("k", [1]))).Status);
    }

    [Fact]
    public void A_command_for_a_service_this_node_does_not_run_is_neither_applied_nor_refused()
    {
        var state = new ReplicatedState(LogRules.Default);
        var e = Assert.Throws<LogFormatException>(() => state.Apply(new LogCommand("c", 1, 99, [1, 2, 3])));
        Assert.True(e.Newer);
        Assert.Contains("no service with id 99", e.Message);
        Assert.Equal(0, state.SessionCount);
    }

    [Fact]
    public void The_data_held_to_the_state_limit_is_the_stores_and_the_journals_not_the_ring()
    {
        var state = new ReplicatedState(LogRules.Default);
        state.Apply(LogCommand.Of("~e", 1, new RingJoin(1, "akka.tcp://actors@127.0.0.1:4053", 1)));
        Assert.Equal(0, state.DataBytes);
        state.Apply(LogCommand.Of("~e", 2, new KvPut("k", [1, 2])));
        state.Apply(LogCommand.Of("~e", 3, new JournalAppend("p", [new JournalEvent(1, 1, "m", [3], "w")])));
        Assert.Equal(state.Kv.Bytes + state.Journal.Bytes, state.DataBytes);
        Assert.True(state.Kv.Bytes > 0 && state.Journal.Bytes > 0);
        Assert.Equal("RingLeave { Node = 4 }", new RingLeave(4).ToString());
    }

    [Fact]
    public void Reads_are_the_get_and_the_barrier_and_only_they_are_answered_off_the_log()
    {
        Assert.Equal(["KvGet", "ReadBarrier"], Samples.Where(s => s.IsRead).Select(s => s.GetType().Name).Order());
        var state = new ReplicatedState(LogRules.Default);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("c", 1, new KvPut("k", [7]), 1)).Status);
        Assert.Equal([7], state.Read(LogCommand.Of("c", 2, new KvGet("k"))).Value);
        var write = state.Read(LogCommand.Of("c", 3, new KvPut("k", [8])));
        Assert.Equal(CommandStatus.Rejected, write.Status);
        Assert.Equal([7], state.Kv.Peek("k"));
    }

    [Fact]
    public void Commands_compare_by_content_byte_by_byte()
    {
        LogCommand C(LogOp op) => LogCommand.Of("c", 1, op);
        Assert.Equal(C(new KvPut("k", [1, 2])), C(new KvPut("k", [1, 2])));
        Assert.NotEqual(C(new KvPut("k", [1, 2])), C(new KvPut("k", [1, 3])));
        Assert.NotEqual(C(new KvPut("k", [1])), C(new KvCas("k", null, [1])));
        var e = new JournalEvent(1, 1, "m", [3], "w");
        Assert.Equal(C(new JournalAppend("p", [e])), C(new JournalAppend("p", [e with { Payload = [3] }])));
        Assert.NotEqual(C(new JournalAppend("p", [e])), C(new JournalAppend("p", [e with { Payload = [4] }])));
        var snap = new StoredSnapshot(1, 0, 1, "m", [4]);
        Assert.Equal(C(new SnapshotSave("p", snap)), C(new SnapshotSave("p", snap with { Payload = [4] })));
        Assert.NotEqual(C(new SnapshotSave("p", snap)), C(new SnapshotSave("p", snap with { Payload = [5] })));
        Assert.Equal(C(new RingLeave(1)), C(new RingLeave(1)));
        Assert.Equal(C(ReadBarrier.Instance), C(new ReadBarrier()));
        Assert.NotEqual(C(new RingLeave(1)), C(new RingLeave(1)) with { Issued = 5 });
        Assert.Equal(C(new KvPut("k", [1, 2])).GetHashCode(), C(new KvPut("k", [1, 2])).GetHashCode());
    }
}

/// <summary>
/// Every operation's digest and encoding, pinned: digests are stored in the sessions of every snapshot and compared on
/// every replica, so a change would make a retry across an upgrade look like another command; encodings are stored in
/// the acceptors' journals and compared byte by byte, so a change would make a late copy look like another value.
/// </summary>
public sealed class OperationDigestTests
{
    public static IEnumerable<object[]> Pinned() => new (LogOp Op, string Digest, string Encoding)[]
    {
        (new KvPut("k", [1]), "569e5fdfeb894962", "0a060a016b120101"),
        (new KvGet("k"), "16f10a4d135da927", "12030a016b"),
        (new KvCas("k", null, [2]), "a96fcf51268f8c3a", "1a060a016b1a0102"),
        (new KvCas("k", [1], [2]), "341e237a0a5b5ec3", "1a090a016b1201011a0102"),
        (new KvDelete("k"), "18f4ac57b50f614f", "22030a016b"),
        (new RingJoin(1, "a", 1.5), "35520bb871fee664", "0a0e080112016119000000000000f83f"),
        (new RingLeave(1), "90a6af6409442cab", "12020801"),
        (new RingDrain(1), "d4e14b0b3fb0ee1a", "1a020801"),
        (new RingWeight(1, 2), "f6ee1a2aaa223a09", "220b0801110000000000000040"),
        (new JournalAppend("p", [new JournalEvent(1, 1, "m", [3], "w"), new JournalEvent(2, 1, "m", [], "w")]), "41c31f29c36f204f", "0a1e0a0170120d080110011a016d2201032a0177120a080210011a016d2a0177"),
        (new JournalDelete("p", 1), "8c0173479d411212", "12050a01701001"),
        (new SnapshotSave("p", new StoredSnapshot(1, 0, 1, "m", [4])), "3f6075b928978e71", "1a0f0a0170120a0801180122016d2a0104"),
        (new SnapshotDelete("p", SnapshotRange.All), "d9cfb01c1d8ee08c", "22170a017018ffffffffffffffff7f28ffffffffffffffff7f"),
        (ReadBarrier.Instance, "2078e1ad38ad738b", "0a00"),
    }.Select(p => new object[] { p.Op, p.Digest, p.Encoding });

    [Theory]
    [MemberData(nameof(Pinned))]
    public void An_operations_digest_and_encoding_never_change(LogOp op, string digest, string encoding)
    {
        Assert.Equal(digest, CommandDigest.Of(op).ToString("x16"));
        Assert.Equal(encoding, Convert.ToHexString(op.Encode()).ToLowerInvariant());
    }
}
