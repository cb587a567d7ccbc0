using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Actors.Contracts.Kv;
using Actors.Contracts.Serialization;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Runtime.Paxos;
using Actors.Runtime.Serialization;
using Akka.Serialization;
using Xunit;

namespace Actors.Runtime.Tests.Serialization;

/// <summary>One local ActorSystem with the node's serializer bindings, shared by every case.</summary>
public sealed class SerializationSystem : IDisposable
{
    public Akka.Actor.ActorSystem Sys { get; } = Akka.Actor.ActorSystem.Create("serialization",
        Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(Runtime.ActorsConfig.Reference));

    public void Dispose() => Sys.Terminate().Wait(TimeSpan.FromSeconds(10));
}

public sealed class SerializerSpec(SerializationSystem fixture) : IClassFixture<SerializationSystem>
{
    private Akka.Actor.ActorSystem Sys => fixture.Sys;

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly SlotValue Batch = new(ImmutableArray.Create(
        LogCommand.Of("c1", 1, new KvPut("k", B("v"))),
        LogCommand.Of("c1", 2, new KvGet("k")),
        LogCommand.Of("c2", 9, new KvCas("k", null, B("n"))),
        LogCommand.Of("c2", 10, new KvCas("k", B("n"), B("m"))),
        LogCommand.Of("~e", 1, new KvDelete("k"))));

    private static readonly StateSnapshot RingSnap = LogViews.Snapshot(9, 5, KvSection.Empty, SessionsSection.Empty,
        new Core.Ring.RingSection(8, [new Core.Ring.RingMember(1, "akka.tcp://actors@127.0.0.1:4053", 1),
            new Core.Ring.RingMember(2, "akka.tcp://actors@127.0.0.1:4054", 2.5, Core.Ring.RingMemberStatus.Draining)]));

    private static readonly StateSnapshot Snap = LogViews.Snapshot(41, 1_700_000_000_123,
        new KvSection(ImmutableArray.Create(new KvEntry("a", B("1")), new KvEntry("ключ", new byte[] { 0, 255 }))),
        new SessionsSection(ImmutableArray.Create(
            new Session("c1", 3, 0xFEDC_BA98_7654_3210, new CommandResult(CommandStatus.CasFailed, B("x")), 17),
            new Session("c2", 1, 5, CommandResult.Ok, 18),
            new Session("r", 4, 6, null, 19))));

    private static readonly StateSnapshot JournalSnap = LogViews.Snapshot(9, 5, KvSection.Empty, SessionsSection.Empty, RingSnap.Ring,
        new Core.Journal.JournalSection([
            new Core.Journal.JournalStreamSection("counter-c1", 7,
                [new Core.Journal.JournalEvent(6, 1300, "counter.added", B("e6"), "w"), new Core.Journal.JournalEvent(7, 1300, "counter.added", B("e7"), "w")],
                [new Core.Journal.StoredSnapshot(5, 638_000_000_000_000_000, 1300, "counter.snapshot", B("s5"))]),
            new Core.Journal.JournalStreamSection("x", 3, [], []),
        ]));

    public static IEnumerable<object[]> Messages() => new object[]
    {
        new Submit([
            LogCommand.Of("~j", 1, new Core.Journal.JournalAppend("counter-c1", [new Core.Journal.JournalEvent(1, 1300, "counter.added", B("e"), "w1"), new Core.Journal.JournalEvent(2, 9, "", [], "")])),
            LogCommand.Of("~j", 2, new Core.Journal.JournalDelete("counter-c1", 2)),
            LogCommand.Of("~j", 3, new Core.Journal.SnapshotSave("p", new Core.Journal.StoredSnapshot(2, 99, 1300, "m", B("s")))),
            LogCommand.Of("~j", 4, new Core.Journal.SnapshotDelete("p", new Core.Journal.SnapshotRange(1, 2, 3, 4))),
            LogCommand.Of("~j", 5, ReadBarrier.Instance)], 0),
        JournalSnap,
        new Contracts.Counter.CounterAdd("c1", -5, "r1"),
        new Contracts.Counter.CounterGet("c1"),
        new Contracts.Counter.CounterReply("c1", 5),
        new Contracts.Counter.CounterReply("c1", 5, false, "counter: adding 1 to 9223372036854775807 overflows"),
        new Contracts.Counter.CounterAdded("r1", 7),
        new Contracts.Counter.CounterSnapshot(12, ["a", "b"]),
        new Contracts.Counter.CounterSnapshot(12, ["a", "b"], [1_700_000_000_000, 1_700_000_000_500]),
        Contracts.Counter.CounterClaimed.Instance,
        new Contracts.Counter.CounterAdded("r1", 7, 1_700_000_000_000),
        new Prepare(new Ballot(3, 1), 17, 1, 0xF00DCAFE12345678),
        new Prepare(new Ballot(3, 1), 17, 1, ulong.MaxValue),
        new Promise(new Ballot(3, 1), 2, ImmutableArray.Create(new AcceptedSlot(17, new Ballot(2, 0), Batch), new AcceptedSlot(18, new Ballot(1, 2), SlotValue.NoOp)), 16),
        new Accept(new Ballot(3, 1), 19, Batch, 1),
        new Accepted(new Ballot(3, 1), 19, 0),
        new Nack(new Ballot(3, 1), new Ballot(4, 2), 0),
        new SlotsCompacted(40, 2),
        new Promise(new Ballot(3, 1), 2, ImmutableArray<AcceptedSlot>.Empty, 16, 2, 3),
        new SnapshotChunk(2, 40, 1024, 4096, new byte[] { 1, 2, 3 }),
        new SnapshotChunkRequest(3, 40, 1027),
        new Heartbeat(new Ballot(3, 1), 1, 20, 0x0123456789ABCDEF),
        new HeartbeatNack(new Ballot(9, 2), 2),
        new PreVote(new Ballot(10, 3), 3, 0x0123456789ABCDEF),
        new PreVoteReply(new Ballot(10, 3), true, 1),
        new PreVoteReply(new Ballot(10, 3), false, 2),
        new Submit(Batch.Commands, 1),
        new Submit([LogCommand.Of("~ring", 1, new Core.Ring.RingJoin(4, "akka.tcp://actors@127.0.0.1:4056", 1.5)),
            LogCommand.Of("~ring", 2, new Core.Ring.RingLeave(3)), LogCommand.Of("~ring", 3, new Core.Ring.RingDrain(2)),
            LogCommand.Of("~ring", 4, new Core.Ring.RingWeight(1, 0.25))], 0),
        new Decision(19, Batch),
        new Decision(19, Batch, 2, new Ballot(7, 2), 0xF00DCAFE12345678),
        new CatchUpResponse(null, ImmutableArray.Create(new DecidedSlot(42, Batch)), 3, ulong.MaxValue),
        new SnapshotChunk(2, 40, 1024, 4096, new byte[] { 1, 2, 3 }, 0x0123456789ABCDEF),
        new CatchUpRequest(2, 5),
        new CatchUpResponse(Snap, ImmutableArray.Create(new DecidedSlot(42, Batch))),
        new CatchUpResponse(null, ImmutableArray<DecidedSlot>.Empty),
        new PromiseMade(new Ballot(3, 1)),
        new ValueAccepted(new Ballot(3, 1), 19, Batch),
        new CompactedThrough(40),
        new RoundReserved(17),
        new AcceptorSnapshot(new Ballot(3, 1), 40, ImmutableArray.Create(new AcceptedSlot(41, new Ballot(3, 1), Batch))),
        Snap,
        RingSnap,
        new ReplicaSnapshotMarker(41),
        new StatePiece(41, 1024, 3000, new byte[] { 1, 2, 3, 4, 5 }.AsMemory(1, 3)),
        new Put("k", B("v"), "c", 1),
        new Put("k", B("v"), "c", 2) { Issued = 1_765_000_000_000 },
        new Delete("k", "c", 3) { Issued = 1_765_000_000_001 },
        new Submit([LogCommand.Of("c", 4, new KvPut("k", B("v")), issued: 1_765_000_000_002), LogCommand.Of("c", 5, new KvDelete("k"))], 0),
        new Get("k", "c", 2),
        new CompareAndSet("k", null, B("n"), "c", 3),
        new CompareAndSet("k", B("o"), B("n")),
        new Delete("k"),
        new KvReply(KvReplyStatus.CasFailed, B("cur")),
        new KvReply(KvReplyStatus.Rejected, null, "key must not be empty"),
        new KvReply(KvReplyStatus.Ok, B("v"), null, 41, "akka.tcp://actors@127.0.0.1:4053"),
        new KvReply(KvReplyStatus.SessionExpired, null, "client c: session expired", 42, null, 1_765_000_000_003),
        Contracts.Status.GetNodeStatus.Instance,
        new Contracts.Status.NodeStatus(2, 1, "follower", "3.1", 10, 9, ["127.0.0.1:4053", "127.0.0.1:4054"]),
        new Contracts.Status.NodeStatus(1, null, "candidate", "0.-1", 0, -1, []),
        new Contracts.Status.NodeStatus(2, 1, "follower", "3.1", 10, 9, ["127.0.0.1:4053"], "akka.tcp://actors@127.0.0.1:4053"),
    }.Select(m => new[] { m });

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_round_trips_through_its_bound_serializer(object message)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        Assert.True(serializer is PaxosSerializer or ContractsSerializer, $"{message.GetType().Name} is bound to {serializer.GetType().Name}");
        var manifest = serializer.Manifest(message);
        var bytes = serializer.ToBinary(message);
        var back = serializer.FromBinary(bytes, manifest);
        Assert.Equal(message.GetType(), back.GetType());
        // Records holding byte arrays compare by reference, so compare the re-serialized bytes instead.
        Assert.Equal(bytes, serializer.ToBinary(back));
        Assert.Equal(manifest, serializer.Manifest(back));
    }

    [Fact]
    public void A_command_and_a_snapshot_section_of_a_service_the_serializer_does_not_know_travel_byte_for_byte()
    {
        // The serializer frames bytes: a service it has never heard of needs nothing of it.
        var command = new LogCommand("c", 7, 100, [9, 8, 7, 0, 255], 1_700_000_000_000);
        var value = new SlotValue([command], 42);
        var accept = new Accept(new Ballot(3, 1), 19, value, 1);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(accept);
        var read = (Accept)serializer.FromBinary(serializer.ToBinary(accept), serializer.Manifest(accept));
        Assert.Equal(command, Assert.Single(read.Value.Commands));
        Assert.Equal(value.EncodedSize(), read.Value.EncodedSize());

        var snapshot = new StateSnapshot(5, 6, [new ServiceSection(100, 3, [1, 2, 3]), new ServiceSection(101, 1, [])]);
        var back = (StateSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot));
        Assert.Equal(snapshot, back);
    }

    [Fact]
    public void A_journal_section_written_before_streams_kept_their_writer_is_read_and_fences_by_its_highest_event()
    {
        // Format 1 with journal section 4: no writer after each stream's deleted-to mark.
        var w = new WireWriter().Byte(PaxosSerializer.FormatVersion).Long(9).Long(5).Int(1).Byte(4).Int(1)
            .String("p").Long(2).Int(2)
            .Long(1).Int(1300).String("m").Bytes(B("e1")).String("A")
            .Long(2).Int(1300).String("m").Bytes(B("e2")).String("B")
            .Int(0).Long(0);
        var snapshot = (StateSnapshot)((SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Snap)).FromBinary(w.ToArray(), "log.snapshot");
        var stream = Assert.Single(snapshot.Journal!.Streams);
        Assert.Null(stream.Writer);
        var journal = new Core.Journal.JournalStateMachine(snapshot.Journal);
        Assert.Equal(CommandStatus.Rejected, journal.Execute(new Core.Journal.JournalAppend("p", [new Core.Journal.JournalEvent(1, 1300, "m", B("e1"), "A")])).Status);
        Assert.Equal(CommandStatus.Ok, journal.Execute(new Core.Journal.JournalAppend("p", [new Core.Journal.JournalEvent(2, 1300, "m", B("e2"), "B")])).Status);
    }

    [Fact]
    public void A_counter_event_and_snapshot_written_before_times_were_kept_are_read_with_time_zero()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Contracts.Counter.CounterAdded("r", 1));
        var added = new WireWriter().Byte(2).String("r1").Long(7).ToArray();
        Assert.Equal(new Contracts.Counter.CounterAdded("r1", 7, 0), serializer.FromBinary(added, "counter.added"));
        var snapshot = (Contracts.Counter.CounterSnapshot)serializer.FromBinary(
            new WireWriter().Byte(2).Long(12).Int(2).String("a").String("b").ToArray(), "counter.snapshot");
        Assert.Equal([("a", 0L), ("b", 0L)], snapshot.Recent());
    }

    [Fact]
    public void Every_operation_is_encoded_in_exactly_the_bytes_the_core_sizes_it_at()
    {
        // Batches and pages are cut by EncodedSize: an operation larger on the wire than sized would let a message
        // grow past the transport's frame size.
        var commands = Messages().Select(m => m[0]).OfType<Submit>().SelectMany(s => s.Commands)
            .Append(LogCommand.Of("ключ", 7, new KvCas("ключ", null, B("n"))))
            .Append(LogCommand.Of("c", 8, new Core.Journal.JournalAppend("p", [new Core.Journal.JournalEvent(1, 1, "ü", new byte[1000], "w")])));
        // A decision: a version byte and the slot, the value, then its sender, ballot (round and node) and fingerprint.
        const int framing = 1 + 8, sender = 4 + 8 + 4 + 8;
        foreach (var command in commands)
        {
            var value = new SlotValue([command], 5);
            var decision = new Decision(1, value, 1, new Ballot(3, 1), 7);
            var bytes = Sys.Serialization.FindSerializerFor(decision).ToBinary(decision);
            Assert.True(framing + value.EncodedSize() + sender == bytes.Length,
                $"{command.Decoded().GetType().Name}: sized {value.EncodedSize()}, encoded {bytes.Length - framing - sender}");
        }
        var noOp = new Decision(1, SlotValue.NoOp);
        Assert.Equal(framing + SlotValue.NoOp.EncodedSize() + sender, Sys.Serialization.FindSerializerFor(noOp).ToBinary(noOp).Length);
    }

    [Fact]
    public void A_slot_value_is_encoded_once_for_every_accept_journal_event_and_decision_that_carries_it()
    {
        var bytes = B("first");
        var value = new SlotValue(ImmutableArray.Create(LogCommand.Of("c1", 1, new KvPut("k", bytes))), 7);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Decision(0, value));
        var accept = serializer.ToBinary(new Accept(new Ballot(3, 1), 19, value, 1));

        // Changed behind the serializer's back (values are immutable, so this never happens in the node): later messages
        // carrying the same value still hold the bytes of its one encoding.
        bytes[0] = (byte)'F';
        var decision = (Decision)serializer.FromBinary(serializer.ToBinary(new Decision(19, value)), "px.decision");
        var journal = (ValueAccepted)serializer.FromBinary(serializer.ToBinary(new ValueAccepted(new Ballot(3, 1), 19, value)), "px.e.accepted");
        Assert.Equal("first", Encoding.UTF8.GetString(((KvPut)decision.Value.Commands[0].Decoded()).Value));
        Assert.Equal("first", Encoding.UTF8.GetString(((KvPut)journal.Value.Commands[0].Decoded()).Value));

        // An acceptor writes the value it received to its journal with the bytes it was read from.
        var received = (Accept)serializer.FromBinary(accept, "px.accept");
        var again = serializer.ToBinary(new ValueAccepted(received.Ballot, received.Slot, received.Value));
        Assert.Equal(serializer.ToBinary(new ValueAccepted(new Ballot(3, 1), 19, value)), again);
    }

    public static IEnumerable<object[]> LocalOnlyMessages() => new object[]
    {
        new Compact(100),
        Tick.Instance,
        new AppliedThrough(55),
        new CommitInfo(1, 56),
        new SnapshotSaved(41),
        new LearnersChanged([4, 5]),
    }.Select(m => new[] { m });

    [Theory]
    [MemberData(nameof(LocalOnlyMessages))]
    public void A_local_only_message_has_no_wire_form(object message)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<PaxosSerializer>(serializer);
        Assert.Throws<SerializationException>(() => serializer.Manifest(message));
        Assert.Throws<SerializationException>(() => serializer.ToBinary(message));
    }

    [Theory]
    [InlineData("px.compact", new byte[] { 100, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("px.tick", new byte[0])]
    [InlineData("px.commit", new byte[] { 1, 0, 0, 0, 56, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("px.snapsaved", new byte[] { 41, 0, 0, 0, 0, 0, 0, 0 })]
    public void The_manifests_local_only_messages_once_had_on_the_wire_are_refused(string manifest, byte[] body)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(Accept));
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary(body, manifest));
        Assert.Contains("local-only", e.Message);
    }

    [Fact]
    public void Applied_through_is_local_and_its_old_manifest_is_refused_so_the_replica_marker_has_its_own()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(Accept));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([1, 41, 0, 0, 0, 0, 0, 0, 0], "px.applied"));
        Assert.Equal(new ReplicaSnapshotMarker(41), serializer.FromBinary([1, 41, 0, 0, 0, 0, 0, 0, 0], "px.r.marker"));
    }

    [Fact]
    public void A_prepare_or_heartbeat_without_a_fingerprint_reads_as_fingerprint_zero()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(Prepare));
        var prepare = new Prepare(new Ballot(3, 1), 17, 1, 99);
        var older = serializer.ToBinary(prepare)[..^8];
        Assert.Equal(prepare with { Fingerprint = 0 }, serializer.FromBinary(older, serializer.Manifest(prepare)));
        var heartbeat = new Heartbeat(new Ballot(3, 1), 1, 20, 99);
        var olderHeartbeat = serializer.ToBinary(heartbeat)[..^8];
        Assert.Equal(heartbeat with { Fingerprint = 0 }, serializer.FromBinary(olderHeartbeat, serializer.Manifest(heartbeat)));
    }

    [Fact]
    public void An_unknown_manifest_is_a_serialization_error()
    {
        var s = Sys.Serialization.FindSerializerForType(typeof(Put));
        Assert.Throws<SerializationException>(() => ((SerializerWithStringManifest)s).FromBinary([1, 2, 3], "kv.nope"));
        var p = Sys.Serialization.FindSerializerForType(typeof(Accept));
        Assert.Throws<SerializationException>(() => ((SerializerWithStringManifest)p).FromBinary([1, 2, 3], "px.nope"));
    }

    [Fact]
    public void A_public_message_from_a_newer_version_with_an_appended_field_is_read_and_the_field_ignored()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new Put("k", B("v"), "c", 3));
        var bytes = serializer.ToBinary(new Put("k", B("v"), "c", 3));
        Assert.Equal(Actors.Contracts.Serialization.ContractsSerializer.FormatVersion, bytes[0]);
        byte[] newer = [(byte)(bytes[0] + 1), .. bytes[1..], 42, 0, 0, 0];
        var put = Assert.IsType<Put>(serializer.FromBinary(newer, serializer.Manifest(new Put("k", B("v")))));
        Assert.Equal(("k", "c", 3L), (put.Key, put.ClientId, put.Seq));
    }

    [Fact]
    public void Requests_and_replies_of_format_3_read_with_no_issue_time_and_no_log_time()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new KvReply(KvReplyStatus.Ok));
        var put = Assert.IsType<Put>(serializer.FromBinary(new WireWriter().Byte(3).String("k").Bytes(B("v")).String("c").Long(7).ToArray(), "kv.put"));
        Assert.Equal(("c", 7L, 0L), (put.ClientId, put.Seq, put.Issued));
        var reply = Assert.IsType<KvReply>(serializer.FromBinary(
            new WireWriter().Byte(3).Byte((byte)KvReplyStatus.Ok).Bytes(null).String(null).Long(7).String(null).ToArray(), "kv.reply"));
        Assert.Equal((7L, 0L), (reply.Seq, reply.LogTime));
    }

    [Fact]
    public void A_reply_and_a_status_of_format_1_read_with_no_seq_and_no_leader()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new KvReply(KvReplyStatus.Ok));
        // Format 1 of a reply: status, value, error; of a status: no leader address at the end.
        var w = new WireWriter();
        w.Byte(1).Byte((byte)KvReplyStatus.CasFailed).Bytes(B("cur")).String(null);
        var reply = Assert.IsType<KvReply>(serializer.FromBinary(w.ToArray(), "kv.reply"));
        Assert.Equal((KvReplyStatus.CasFailed, "cur", 0L, (string?)null), (reply.Status, Encoding.UTF8.GetString(reply.Value!), reply.Seq, reply.Leader));

        var s = new WireWriter();
        s.Byte(1).Int(2).Int(1).String("follower").String("3.1").Long(10).Long(9).Int(1).String("127.0.0.1:4053");
        var status = Assert.IsType<Contracts.Status.NodeStatus>(serializer.FromBinary(s.ToArray(), "status"));
        Assert.Equal((1, (string?)null), (status.Leader, status.LeaderAddress));
    }

    [Fact]
    public void Consensus_data_written_by_a_newer_format_is_refused_with_a_clear_error()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new PromiseMade(new Ballot(1, 1)));
        var bytes = serializer.ToBinary(new PromiseMade(new Ballot(1, 1)));
        bytes[0]++;
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "px.e.promised"));
        Assert.Contains("newer than this node reads", e.Message);
    }

    [Fact]
    public void Truncated_or_garbage_bytes_are_a_serialization_error()
    {
        foreach (var row in Messages())
        {
            var message = row[0];
            var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            if (bytes.Length == 0) continue;
            var manifest = serializer.Manifest(message);
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], manifest));
            Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 7], manifest));
        }
        var random = new Random(7);
        var accept = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(Accept));
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 64)];
            random.NextBytes(junk);
            try
            {
                accept.FromBinary(junk, "px.accept");
            }
            catch (SerializationException)
            {
                // expected for nearly every input; anything else escaping is a bug
            }
        }
    }
}
