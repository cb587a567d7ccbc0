using System.Text;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Xunit;

namespace Actors.Core.Tests.Log;

/// <summary>The replicated state's size bound (actors.log.max-state-bytes): writes that grow it are refused, the rest pass.</summary>
public sealed class StateLimitTests
{
    private static readonly LogRules Small = LogRules.Default with { MaxStateBytes = 1000 };

    private static CommandResult Put(ReplicatedState s, string key, int bytes) =>
        s.Apply(LogCommand.Of("~c", 1, new KvPut(key, new byte[bytes])));

    private static CommandResult Append(ReplicatedState s, string pid, long seq, int bytes) =>
        s.Apply(LogCommand.Of("~j", 1, new JournalAppend(pid, [new JournalEvent(seq, 1, "m", new byte[bytes], "w")])));

    [Fact]
    public void The_state_counts_its_data_as_a_snapshot_encodes_it()
    {
        var s = new ReplicatedState(LogRules.Default);
        Put(s, "k", 100);
        Append(s, "p", 1, 50);
        s.Apply(LogCommand.Of("~j", 2, new SnapshotSave("p", new StoredSnapshot(1, 1, 1, "s", new byte[30]))));
        Assert.Equal(4 + 1 + 4 + 100, s.Kv.Bytes);
        Assert.Equal(s.Kv.Bytes + s.Journal.Bytes, s.Bytes);

        // Restored from its snapshot, the state counts the same.
        var restored = new ReplicatedState(LogRules.Default, s.Snapshot(9));
        Assert.Equal(s.Bytes, restored.Bytes);

        // Overwrites count the difference, deletes give back what they remove.
        Put(s, "k", 10);
        Assert.Equal(4 + 1 + 4 + 10, s.Kv.Bytes);
        s.Apply(LogCommand.Of("~c", 1, new KvDelete("k")));
        s.Apply(LogCommand.Of("~j", 3, new JournalDelete("p", 1)));
        s.Apply(LogCommand.Of("~j", 4, new SnapshotDelete("p", SnapshotRange.All)));
        Assert.Equal(0, s.Kv.Bytes);
        Assert.Equal(restored.Journal.Bytes - new JournalEvent(1, 1, "m", new byte[50], "w").EncodedBytes
                     - new StoredSnapshot(1, 1, 1, "s", new byte[30]).EncodedBytes, s.Journal.Bytes);
    }

    [Fact]
    public void Sessions_count_with_the_reply_they_keep_and_give_their_bytes_back_when_they_expire()
    {
        var rules = LogRules.Default with { SessionTtl = 1000 };
        var s = new ReplicatedState(rules);
        Put(s, "k", 10);
        var data = s.Bytes;
        // A failed cas keeps the value it found in the client's session, until the session expires.
        s.Advance(1, 100);
        Assert.Equal(CommandStatus.CasFailed, s.Apply(LogCommand.Of("client", 1, new KvCas("k", new byte[1], new byte[5]))).Status);
        Assert.Equal(data + SessionTable.SizeOf(new Session("client", 1, 0, new CommandResult(CommandStatus.CasFailed, new byte[10]), 100)), s.Bytes);
        Assert.Equal(s.Bytes, new ReplicatedState(rules, s.Snapshot(1)).Bytes);
        s.Advance(2, 5000);
        Assert.Equal(data, s.Bytes);
    }

    [Fact]
    public void A_write_that_would_grow_the_state_past_its_limit_is_refused_with_state_full()
    {
        var s = new ReplicatedState(Small);
        Assert.Equal(CommandStatus.Ok, Put(s, "a", 500).Status);
        var before = s.Bytes;

        var full = Put(s, "b", 500);
        Assert.Equal(CommandStatus.Rejected, full.Status);
        Assert.Contains("state full", full.Error);
        Assert.Contains("max-state-bytes (1000)", full.Error);
        Assert.Null(s.Kv.Peek("b"));
        Assert.Equal(CommandStatus.Rejected, Append(s, "p", 1, 500).Status);
        Assert.Equal(0, s.Journal.HighestSequenceNr("p"));
        Assert.Equal(before, s.Bytes);
    }

    [Fact]
    public void A_full_state_still_reads_shrinks_and_deletes_and_takes_writes_again_once_room_is_made()
    {
        var s = new ReplicatedState(Small);
        Put(s, "a", 500);
        Put(s, "b", 400);
        Assert.Equal(CommandStatus.Rejected, Put(s, "c", 200).Status);

        Assert.Equal(CommandStatus.Ok, s.Read(LogCommand.Of("~r", 1, new KvGet("a"))).Status);
        Assert.Equal(CommandStatus.Ok, Put(s, "b", 100).Status); // an overwrite with less
        Assert.Equal(CommandStatus.Ok, s.Apply(LogCommand.Of("~c", 1, new KvDelete("a"))).Status);
        Assert.Equal(CommandStatus.Ok, Put(s, "c", 200).Status);
        Assert.Equal(200, s.Kv.Peek("c")!.Length);
    }

    [Fact]
    public void A_late_copy_of_an_append_on_a_full_state_is_answered_as_a_copy_not_as_state_full()
    {
        // The writer's first append was applied but its answer was lost; the state then filled up. The copy it sends
        // again stores nothing: answered "state full", the writer would fail although its event is held.
        var s = new ReplicatedState(Small);
        Assert.Equal(CommandStatus.Ok, Append(s, "p", 1, 400).Status);
        Assert.Equal(CommandStatus.Ok, Put(s, "a", 450).Status);
        Assert.Equal(CommandStatus.Rejected, Append(s, "p", 2, 400).Status);
        var before = s.Bytes;

        Assert.Equal(CommandStatus.Ok, Append(s, "p", 1, 400).Status);
        Assert.Equal(before, s.Bytes);
        // Another incarnation's append below the highest gets the fencing error, whatever room is left.
        var fenced = s.Apply(LogCommand.Of("~j", 1, new JournalAppend("p", [new JournalEvent(1, 1, "m", new byte[400], "other")])));
        Assert.Contains("another incarnation", fenced.Error);
    }

    [Fact]
    public void Replicas_with_the_same_commands_refuse_the_same_write()
    {
        // The limit is a rule of the log: every replica must refuse the same command at the same slot.
        var one = new ReplicatedState(Small);
        var two = new ReplicatedState(Small);
        foreach (var (key, bytes) in new[] { ("a", 300), ("b", 300), ("c", 300), ("d", 300) })
            Assert.Equal(Put(one, key, bytes).Status, Put(two, key, bytes).Status);
        Assert.Equal(one.Bytes, two.Bytes);
        Assert.Null(one.Kv.Peek("d"));
        Assert.NotEqual(LogRules.Default.Fingerprint, Small.Fingerprint);
    }
}
