using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Log;
using Xunit;

namespace Actors.Core.Tests.Journal;

/// <summary>The cases of Akka's journal spec that belong to the state the log builds (the plugin's are in the runtime specs).</summary>
public sealed class JournalStateMachineTests
{
    private static JournalEvent Event(long seq, string text = "e", string writer = "w1") =>
        new(seq, 1300, "m", System.Text.Encoding.UTF8.GetBytes(text + seq), writer);

    private static JournalAppend Append(string pid, params long[] seqs) => new(pid, seqs.Select(s => Event(s)).ToImmutableArray());

    private static JournalStateMachine WithFive()
    {
        var j = new JournalStateMachine();
        for (var i = 1; i <= 5; i++) Assert.Equal(CommandStatus.Ok, j.Execute(Append("p", i)).Status);
        return j;
    }

    private static long[] Seqs(ImmutableArray<JournalEvent> events) => events.Select(e => e.SequenceNr).ToArray();

    [Theory]
    [InlineData(1, long.MaxValue, long.MaxValue, new long[] { 1, 2, 3, 4, 5 })] // all
    [InlineData(2, 4, long.MaxValue, new long[] { 2, 3, 4 })] // a range
    [InlineData(1, long.MaxValue, 2, new long[] { 1, 2 })] // at most max
    [InlineData(2, 3, 0, new long[0])] // max 0
    [InlineData(3, 2, long.MaxValue, new long[0])] // an empty range
    [InlineData(6, long.MaxValue, long.MaxValue, new long[0])] // above the highest
    [InlineData(4, 4, long.MaxValue, new long[] { 4 })] // one
    public void Replay_returns_the_events_in_the_range_in_order_and_at_most_max(long from, long to, long max, long[] expected) =>
        Assert.Equal(expected, Seqs(WithFive().Events("p", from, to, max)));

    [Fact]
    public void Streams_of_different_persistence_ids_are_apart()
    {
        var j = WithFive();
        j.Execute(Append("q", 1, 2));
        Assert.Equal([1, 2], Seqs(j.Events("q", 1, long.MaxValue, long.MaxValue)));
        Assert.Equal(5, j.HighestSequenceNr("p"));
        Assert.Equal(2, j.HighestSequenceNr("q"));
        Assert.Equal(0, j.HighestSequenceNr("unknown"));
        Assert.Empty(j.Events("unknown", 1, long.MaxValue, long.MaxValue));
    }

    [Fact]
    public void A_delete_removes_events_up_to_its_sequence_number_and_keeps_the_highest()
    {
        var j = WithFive();
        Assert.Equal(CommandStatus.Ok, j.Execute(new JournalDelete("p", 3)).Status);
        Assert.Equal([4, 5], Seqs(j.Events("p", 1, long.MaxValue, long.MaxValue)));
        Assert.Equal(5, j.HighestSequenceNr("p"));

        // Deleting everything keeps the highest, so a recovered actor goes on from 6, never reusing a number.
        j.Execute(new JournalDelete("p", long.MaxValue));
        Assert.Empty(j.Events("p", 1, long.MaxValue, long.MaxValue));
        Assert.Equal(5, j.HighestSequenceNr("p"));
        Assert.Equal(CommandStatus.Ok, j.Execute(Append("p", 6)).Status);
        Assert.Equal([6], Seqs(j.Events("p", 1, long.MaxValue, long.MaxValue)));
        // A late copy of a deleted append finds it deleted: Ok, and it does not come back.
        Assert.Equal(CommandStatus.Ok, j.Execute(Append("p", 2, 3)).Status);
        Assert.Equal([6], Seqs(j.Events("p", 1, long.MaxValue, long.MaxValue)));
        // A delete of an unknown id or again: Ok, no change.
        Assert.Equal(CommandStatus.Ok, j.Execute(new JournalDelete("nobody", 3)).Status);
        Assert.Equal(CommandStatus.Ok, j.Execute(new JournalDelete("p", 3)).Status);
    }

    [Fact]
    public void An_append_is_all_or_nothing_and_a_second_writer_of_a_sequence_number_is_refused()
    {
        var j = WithFive();
        var other = new JournalAppend("p", [new JournalEvent(5, 1300, "m", [9], "w2"), new JournalEvent(6, 1300, "m", [9], "w2")]);
        var refused = j.Execute(other);
        Assert.Equal(CommandStatus.Rejected, refused.Status);
        Assert.Contains("already has events up to sequence number 5", refused.Error);
        Assert.Equal(5, j.HighestSequenceNr("p"));
        Assert.Equal("e5", System.Text.Encoding.UTF8.GetString(j.Events("p", 5, 5, 1)[0].Payload));
    }

    [Fact]
    public void A_retried_append_is_answered_ok_and_stores_nothing_twice()
    {
        var j = new JournalStateMachine();
        var append = Append("p", 1, 2, 3);
        Assert.Equal(CommandStatus.Ok, j.Execute(append).Status);
        // The same events again (the entry point submitted the command again while the first copy was on its way).
        Assert.Equal(CommandStatus.Ok, j.Execute(append with { Events = [.. append.Events] }).Status);
        Assert.Equal([1, 2, 3], Seqs(j.Events("p", 1, long.MaxValue, long.MaxValue)));
        // Gaps are allowed (a rejected write leaves one); filling one is not.
        Assert.Equal(CommandStatus.Ok, j.Execute(Append("p", 5)).Status);
        Assert.Equal(CommandStatus.Rejected, j.Execute(Append("p", 4)).Status);
    }

    [Theory]
    [InlineData("", "the persistence id is empty")]
    [InlineData("p", "positive and increasing")]
    public void Bad_appends_are_refused_and_change_nothing(string pid, string error)
    {
        var j = WithFive();
        var before = j.Section();
        var bad = pid.Length == 0 ? Append(pid, 6) : Append(pid, 7, 6);
        var result = j.Execute(bad);
        Assert.Equal(CommandStatus.Rejected, result.Status);
        Assert.Contains(error, result.Error);
        Assert.Equal(Describe(before), Describe(j.Section()));
        Assert.Equal(CommandStatus.Rejected, j.Execute(new JournalAppend("p", [])).Status);
        Assert.Equal(CommandStatus.Rejected, j.Execute(new JournalAppend("p", [Event(0)])).Status);
    }

    [Fact]
    public void The_newest_selected_snapshot_is_loaded_and_deletes_follow_their_criteria()
    {
        var j = new JournalStateMachine();
        j.Execute(new JournalAppend("p", [.. Enumerable.Range(1, 30).Select(i => Event(i))]));
        foreach (var seq in new long[] { 10, 30, 20 })
            j.Execute(new SnapshotSave("p", new StoredSnapshot(seq, seq * 100, 1300, "s", [(byte)seq])));
        Assert.Equal(30, j.LatestSnapshot("p", SnapshotRange.All)!.SequenceNr);
        Assert.Equal(20, j.LatestSnapshot("p", SnapshotRange.All with { MaxSequenceNr = 25 })!.SequenceNr);
        Assert.Equal(10, j.LatestSnapshot("p", SnapshotRange.All with { MaxTimestamp = 1500 })!.SequenceNr);
        Assert.Null(j.LatestSnapshot("p", SnapshotRange.All with { MaxSequenceNr = 5 }));
        Assert.Null(j.LatestSnapshot("q", SnapshotRange.All));

        // Saving at the same sequence number replaces.
        j.Execute(new SnapshotSave("p", new StoredSnapshot(30, 3001, 1300, "s", [99])));
        Assert.Equal([99], j.LatestSnapshot("p", SnapshotRange.All)!.Payload);

        j.Execute(new SnapshotDelete("p", SnapshotRange.All with { MinSequenceNr = 30, MaxSequenceNr = 30 }));
        Assert.Equal(20, j.LatestSnapshot("p", SnapshotRange.All)!.SequenceNr);
        j.Execute(new SnapshotDelete("p", SnapshotRange.All with { MaxSequenceNr = 20 }));
        Assert.Null(j.LatestSnapshot("p", SnapshotRange.All));
    }

    [Fact]
    public void A_journal_restored_from_its_section_answers_the_same()
    {
        var j = WithFive();
        j.Execute(new JournalDelete("p", 2));
        j.Execute(Append("a", 1));
        j.Execute(new SnapshotSave("p", new StoredSnapshot(4, 1, 1300, "s", [4])));
        var restored = new JournalStateMachine(j.Section());
        Assert.Equal(Describe(j.Section()), Describe(restored.Section()));
        Assert.Equal([3, 4, 5], Seqs(restored.Events("p", 1, long.MaxValue, long.MaxValue)));
        Assert.Equal(5, restored.HighestSequenceNr("p"));
        Assert.Equal(4, restored.LatestSnapshot("p", SnapshotRange.All)!.SequenceNr);
        Assert.Equal(["a", "p"], j.Section().Streams.Select(s => s.PersistenceId));
    }

    [Fact]
    public void A_stale_incarnation_whose_events_were_deleted_behind_a_snapshot_is_refused_not_answered_as_a_copy()
    {
        // B writes to 200, snapshots at 200 and deletes to 200; A, paused while the shard moved, recovered at 150.
        var j = new JournalStateMachine();
        j.Execute(new JournalAppend("p", [.. Enumerable.Range(1, 150).Select(i => Event(i, writer: "A"))]));
        j.Execute(new JournalAppend("p", [.. Enumerable.Range(151, 50).Select(i => Event(i, writer: "B"))]));
        Assert.Equal(CommandStatus.Ok, j.Execute(new SnapshotSave("p", new StoredSnapshot(200, 1, 1300, "s", [1]))).Status);
        j.Execute(new JournalDelete("p", 200));

        var stale = j.Execute(new JournalAppend("p", [Event(151, "a", writer: "A")]));
        Assert.Equal(CommandStatus.Rejected, stale.Status);
        Assert.Contains("another incarnation", stale.Error);
        // Nor can it copy what it wrote itself before B took over: only the writer of the highest event sends copies.
        Assert.Equal(CommandStatus.Rejected, j.Execute(new JournalAppend("p", [Event(150, writer: "A")])).Status);
        // B goes on above its highest; A never wrote into the stream.
        Assert.Equal(CommandStatus.Ok, j.Execute(new JournalAppend("p", [Event(201, writer: "B")])).Status);
        Assert.All(j.Events("p", 1, long.MaxValue, long.MaxValue), e => Assert.Equal("B", e.WriterUuid));
    }

    [Fact]
    public void A_late_copy_from_the_writer_of_the_highest_event_passes_after_its_events_were_deleted()
    {
        var j = new JournalStateMachine();
        var append = new JournalAppend("p", [Event(1, writer: "B"), Event(2, writer: "B")]);
        j.Execute(append);
        j.Execute(new SnapshotSave("p", new StoredSnapshot(2, 1, 1300, "s", [1])));
        j.Execute(new JournalDelete("p", 2));
        Assert.Equal(CommandStatus.Ok, j.Execute(append).Status);
        Assert.Empty(j.Events("p", 1, long.MaxValue, long.MaxValue));
        Assert.Equal(2, j.HighestSequenceNr("p"));
    }

    [Fact]
    public void The_writer_of_the_highest_event_survives_a_restore_from_the_section()
    {
        var j = new JournalStateMachine();
        j.Execute(new JournalAppend("p", [Event(1, writer: "A")]));
        j.Execute(new JournalAppend("p", [Event(2, writer: "B")]));
        j.Execute(new JournalDelete("p", 2));
        var restored = new JournalStateMachine(j.Section());
        Assert.Equal(CommandStatus.Rejected, restored.Execute(new JournalAppend("p", [Event(2, writer: "A")])).Status);
        Assert.Equal(CommandStatus.Ok, restored.Execute(new JournalAppend("p", [Event(2, writer: "B")])).Status);
    }

    [Fact]
    public void A_section_without_writers_takes_the_writer_of_its_highest_event_when_it_is_held()
    {
        var section = new JournalSection([new JournalStreamSection("p", 2, [Event(1, writer: "A"), Event(2, writer: "B")], [])]);
        var j = new JournalStateMachine(section);
        Assert.Equal(CommandStatus.Rejected, j.Execute(new JournalAppend("p", [Event(1, writer: "A")])).Status);
        Assert.Equal(CommandStatus.Ok, j.Execute(new JournalAppend("p", [Event(2, writer: "B")])).Status);
    }

    [Fact]
    public void A_snapshot_above_the_highest_sequence_number_is_refused()
    {
        var j = WithFive();
        var refused = j.Execute(new SnapshotSave("p", new StoredSnapshot(6, 1, 1300, "s", [1])));
        Assert.Equal(CommandStatus.Rejected, refused.Status);
        Assert.Contains("written only up to 5", refused.Error);
        Assert.Null(j.LatestSnapshot("p", SnapshotRange.All));
        Assert.Equal(CommandStatus.Rejected, j.Execute(new SnapshotSave("never", new StoredSnapshot(1, 1, 1300, "s", [1]))).Status);
        Assert.Equal(1, j.Count); // the refused save made no stream for "never"
        Assert.Equal(CommandStatus.Ok, j.Execute(new SnapshotSave("p", new StoredSnapshot(5, 1, 1300, "s", [1]))).Status);
    }

    [Fact]
    public void Journal_operations_go_through_the_replicated_state_and_are_in_its_snapshot()
    {
        var rules = LogRules.Default;
        var state = new ReplicatedState(rules);
        Assert.Equal(CommandStatus.Ok, state.Apply(LogCommand.Of("~x", 1, Append("p", 1, 2))).Status);
        Assert.Equal(CommandStatus.Ok, state.Read(LogCommand.Of("~x", 2, ReadBarrier.Instance)).Status);
        Assert.True(ReadBarrier.Instance.IsRead);
        var copy = new ReplicatedState(rules, state.Snapshot(7));
        Assert.Equal(2, copy.Journal.HighestSequenceNr("p"));
        Assert.Equal(CommandStatus.Ok, copy.Apply(LogCommand.Of("~x", 3, Append("p", 2))).Status); // the same event: a retry
        Assert.Equal(CommandStatus.Rejected, copy.Apply(LogCommand.Of("~x", 4, new JournalAppend("p", [Event(2, "other")]))).Status);
    }

    private static string Describe(JournalSection s) => string.Join("|", s.Streams.Select(x =>
        $"{x.PersistenceId}:{x.HighestSequenceNr}:{string.Join(",", x.Events.Select(e => e.SequenceNr))}:{string.Join(",", x.Snapshots.Select(e => e.SequenceNr))}"));
}
