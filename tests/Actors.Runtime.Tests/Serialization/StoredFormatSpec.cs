using Actors.Tests.Shared;
using System.Collections.Immutable;
using System.Text;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Ring;
using Actors.Runtime.Paxos;
using Akka.Serialization;
using Xunit;

namespace Actors.Runtime.Tests.Serialization;

/// <summary>
/// What a node writes to disk, pinned byte for byte: the acceptor's journal events, the replica's snapshot and its pieces,
/// one file per manifest under <c>TestData/stored-vN</c>, checked in. <c>stored-v1</c> is what nodes wrote before the
/// services carried their own encodings (commands tagged by a kind from one table); <c>stored-v2</c> is what this version
/// writes. Every version must read every directory to the same content, whatever it writes itself; this version must
/// also write exactly the bytes of the newest. To write the newest again (only when its format is meant to change, and
/// then under a new directory), run this class with <c>ACTORS_WRITE_STORED_FORMAT=1</c>.
/// </summary>
public sealed class StoredFormatSpec(SerializationSystem fixture) : IClassFixture<SerializationSystem>
{
    /// <summary>The format this version writes.</summary>
    private const string Current = "stored-v2";

    /// <summary>Every format ever written, oldest first.</summary>
    private static readonly string[] Formats = ["stored-v1", Current];

    /// <summary>The files of <paramref name="format"/> as checked in, next to this source file (found from the test's output directory upwards).</summary>
    private static string Dir(string format) => Path.Combine(ProjectDir(), "Serialization", "TestData", format);

    private static string ProjectDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Actors.Runtime.Tests.csproj"))) return d.FullName;
        throw new DirectoryNotFoundException($"no Actors.Runtime.Tests.csproj above {AppContext.BaseDirectory}");
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A slot with one command of every kind the log carries, with and without issue times.</summary>
    private static readonly SlotValue EveryKind = new(ImmutableArray.Create(
        LogCommand.Of("c1", 1, new KvPut("k", B("v")), 1_700_000_000_000),
        LogCommand.Of("c1", 2, new KvGet("k")),
        LogCommand.Of("c2", 9, new KvCas("k", null, B("n")), 1_700_000_000_001),
        LogCommand.Of("c2", 10, new KvCas("k", B("n"), B("m")), 1_700_000_000_002),
        LogCommand.Of("~e", 1, new KvDelete("k")),
        LogCommand.Of("~r", 1, new RingJoin(2, "akka.tcp://actors@127.0.0.1:4054", 2.5)),
        LogCommand.Of("~r", 2, new RingLeave(3)),
        LogCommand.Of("~r", 3, new RingDrain(2)),
        LogCommand.Of("~r", 4, new RingWeight(2, 0.75)),
        LogCommand.Of("j", 1, new JournalAppend("counter-c1", [new JournalEvent(6, 1300, "counter.added", B("e6"), "w1")]), 1_700_000_000_003),
        LogCommand.Of("j", 2, new JournalDelete("counter-c1", 5), 1_700_000_000_004),
        LogCommand.Of("j", 3, new SnapshotSave("counter-c1", new StoredSnapshot(6, 638_000_000_000_000_000, 1300, "counter.snapshot", B("s6"))), 1_700_000_000_005),
        LogCommand.Of("j", 4, new SnapshotDelete("counter-c1", new SnapshotRange(0, 4, 0, long.MaxValue)), 1_700_000_000_006),
        LogCommand.Of("~b", 1, ReadBarrier.Instance)), 1_700_000_000_456);

    private static readonly StateSnapshot FullState = LogViews.Snapshot(41, 1_700_000_000_123,
        new KvSection([new KvEntry("a", B("1")), new KvEntry("ключ", [0, 255])]),
        new SessionsSection([
            new Session("c1", 3, 0xFEDC_BA98_7654_3210, new CommandResult(CommandStatus.CasFailed, B("x")), 17),
            new Session("c2", 1, 5, CommandResult.Ok, 18),
            new Session("r", 4, 6, null, 19),
            new Session("s", 2, 7, new CommandResult(CommandStatus.SessionExpired, null, "expired"), 20)]),
        new RingSection(8, [new RingMember(1, "akka.tcp://actors@127.0.0.1:4053", 1),
            new RingMember(2, "akka.tcp://actors@127.0.0.1:4054", 2.5, RingMemberStatus.Draining)]),
        new JournalSection([
            new JournalStreamSection("counter-c1", 7,
                [new JournalEvent(6, 1300, "counter.added", B("e6"), "w1"), new JournalEvent(7, 1300, "counter.added", B("e7"), "w1")],
                [new StoredSnapshot(5, 638_000_000_000_000_000, 1300, "counter.snapshot", B("s5"))], DeletedTo: 4, Writer: "w1"),
            new JournalStreamSection("x", 3, [], [])]));

    private static readonly (string Manifest, object Value)[] Values =
    [
        ("px.e.promised", new PromiseMade(new Ballot(5, 3))),
        ("px.e.accepted", new ValueAccepted(new Ballot(3, 1), 19, EveryKind)),
        ("px.e.compacted", new CompactedThrough(18)),
        ("px.e.snapshot", new AcceptorSnapshot(new Ballot(4, 2), 10, [new AcceptedSlot(11, new Ballot(4, 2), EveryKind)])),
        ("px.e.round", new RoundReserved(6)),
        ("log.snapshot", FullState),
        ("px.r.marker", new ReplicaSnapshotMarker(41)),
        ("px.r.piece", new StatePiece(41, 4096, 10_000, new byte[] { 1, 2, 3, 4, 5 })),
    ];

    public static IEnumerable<object[]> Written() => Values.Select(s => new object[] { s.Manifest, s.Value });

    public static IEnumerable<object[]> Stored() => Formats.SelectMany(f => Values.Select(s => new object[] { f, s.Manifest, s.Value }));

    [Theory]
    [MemberData(nameof(Written))]
    public void This_version_writes_the_newest_stored_format_byte_for_byte(string manifest, object value)
    {
        var serializer = (SerializerWithStringManifest)fixture.Sys.Serialization.FindSerializerFor(value);
        Assert.Equal(manifest, serializer.Manifest(value));
        var written = serializer.ToBinary(value);
        var path = Path.Combine(Dir(Current), manifest + ".bin");
        if (Environment.GetEnvironmentVariable("ACTORS_WRITE_STORED_FORMAT") == "1")
        {
            Directory.CreateDirectory(Dir(Current));
            File.WriteAllBytes(path, written);
        }
        Assert.True(File.Exists(path), $"{path} is missing: the stored format's files are checked in");
        Assert.Equal(Convert.ToHexString(File.ReadAllBytes(path)), Convert.ToHexString(written));
    }

    [Theory]
    [MemberData(nameof(Stored))]
    public void Every_stored_format_ever_written_reads_to_the_same_content(string format, string manifest, object value)
    {
        var serializer = (SerializerWithStringManifest)fixture.Sys.Serialization.FindSerializerFor(value);
        var path = Path.Combine(Dir(format), manifest + ".bin");
        Assert.True(File.Exists(path), $"{path} is missing: the stored formats' files are checked in");
        var stored = File.ReadAllBytes(path);

        // Read back to the same content (records compare byte arrays by reference, so compare by the fields that matter).
        var read = serializer.FromBinary(stored, manifest);
        Assert.Equal(value.GetType(), read.GetType());
        switch (read)
        {
            case ValueAccepted accepted:
                AssertSameSlot(EveryKind, accepted.Value);
                break;
            case AcceptorSnapshot snapshot:
                AssertSameSlot(EveryKind, Assert.Single(snapshot.Accepted).Value);
                break;
            case StateSnapshot state:
                Assert.Equal(FullState.AppliedThrough, state.AppliedThrough);
                Assert.Equal(FullState.LogTime, state.LogTime);
                Assert.Equal(FullState.Kv.Entries.Select(e => (e.Key, Convert.ToHexString(e.Value))), state.Kv.Entries.Select(e => (e.Key, Convert.ToHexString(e.Value))));
                Assert.Equal(FullState.Sessions.Sessions.Select(Describe), state.Sessions.Sessions.Select(Describe));
                Assert.Equal(FullState.Ring!.Version, state.Ring!.Version);
                Assert.Equal(FullState.Ring.Members.Select(m => m.ToString()), state.Ring.Members.Select(m => m.ToString()));
                Assert.Equal(FullState.Journal!.Streams.Select(Describe), state.Journal!.Streams.Select(Describe));
                break;
            case StatePiece piece:
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, piece.Data.ToArray());
                Assert.Equal((41L, 4096L, 10_000L), (piece.Slot, piece.Offset, piece.Total));
                break;
            default:
                Assert.Equal(value, read);
                break;
        }
    }

    private static void AssertSameSlot(SlotValue expected, SlotValue actual)
    {
        Assert.Equal(expected.Stamp, actual.Stamp);
        Assert.Equal(expected.Commands.Length, actual.Commands.Length);
        foreach (var (e, a) in expected.Commands.Zip(actual.Commands))
        {
            Assert.Equal((e.ClientId, e.Seq, e.Issued), (a.ClientId, a.Seq, a.Issued));
            Assert.Equal(e, a);
        }
    }

    private static string Describe(Session s) =>
        $"{s.ClientId}/{s.Seq}/{s.Digest}/{s.Result?.Status}/{(s.Result?.Value is { } v ? Convert.ToHexString(v) : "-")}/{s.Result?.Error}/{s.LastActive}";

    private static string Describe(JournalStreamSection s) =>
        $"{s.PersistenceId}/{s.HighestSequenceNr}/{s.DeletedTo}/{s.Writer}/" +
        string.Join(",", s.Events.Select(e => $"{e.SequenceNr}:{e.SerializerId}:{e.Manifest}:{Convert.ToHexString(e.Payload)}:{e.WriterUuid}")) + "/" +
        string.Join(",", s.Snapshots.Select(x => $"{x.SequenceNr}:{x.Timestamp}:{x.SerializerId}:{x.Manifest}:{Convert.ToHexString(x.Payload)}"));
}
