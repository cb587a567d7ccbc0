using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Actors.Contracts.Serialization;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Serialization;

namespace Actors.Runtime.Serialization;

/// <summary>
/// Serializer of every <see cref="IPaxosMessage"/> that crosses the network (and of the acceptor's journal events),
/// of <see cref="StateSnapshot"/>, <see cref="StatePiece"/> and <see cref="ReplicaSnapshotMarker"/>: compact binary bodies with short,
/// stable string manifests. Malformed input raises <see cref="SerializationException"/>. Local-only messages
/// (<see cref="ILocalPaxosMessage"/>) have no wire form: serializing one fails, and their former manifests are
/// refused. A field added to a message goes at its end and is optional when read, so an older body stays readable
/// (Prepare and Heartbeat without their acceptor-list fingerprint read as fingerprint 0, which no node has). Every body
/// starts with its format version (<see cref="FormatVersion"/>), so a node tells data written by a newer version from
/// garbage and refuses it with a clear error.
/// </summary>
public sealed class PaxosSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 1301;

    public override int Identifier => Id;

    /// <summary>The format of the bodies this version writes; it reads this one only.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Manifests of local-only messages that earlier versions put on the wire; refused when read.</summary>
    private static readonly HashSet<string> LocalOnlyManifests = ["px.compact", "px.tick", "px.commit", "px.snapsaved", "px.applied"];

    public override string Manifest(object o) => o switch
    {
        ILocalPaxosMessage => throw LocalOnly(o),
        Prepare => "px.prepare",
        Promise => "px.promise",
        Accept => "px.accept",
        Accepted => "px.accepted",
        Nack => "px.nack",
        SlotsCompacted => "px.compacted",
        SnapshotChunk => "px.chunk",
        SnapshotChunkRequest => "px.chunk-req",
        Heartbeat => "px.hb",
        HeartbeatNack => "px.hbnack",
        PreVote => "px.prevote",
        PreVoteReply => "px.prevote-r",
        Submit => "px.submit",
        Decision => "px.decision",
        ReadIndexRequest => "px.read-req",
        ReadIndexGrant => "px.read-grant",
        ReadProbe => "px.read-probe",
        ReadProbeAck => "px.read-ack",
        CatchUpRequest => "px.catchup",
        CatchUpResponse => "px.catchup-r",
        PromiseMade => "px.e.promised",
        ValueAccepted => "px.e.accepted",
        CompactedThrough => "px.e.compacted",
        AcceptorSnapshot => "px.e.snapshot",
        RoundReserved => "px.e.round",
        StateSnapshot => "log.snapshot",
        ReplicaSnapshotMarker => "px.r.marker",
        StatePiece => "px.r.piece",
        _ => throw new SerializationException($"no manifest for {o.GetType().FullName}"),
    };

    public override byte[] ToBinary(object obj)
    {
        var w = new WireWriter(obj switch
        {
            // A value is encoded once (see EncodedValues): the message is that plus a few fields.
            Accept a => 64 + EncodedValues.GetValue(a.Value, EncodeValue).Length,
            Decision d => 64 + EncodedValues.GetValue(d.Value, EncodeValue).Length,
            ValueAccepted v => 64 + EncodedValues.GetValue(v.Value, EncodeValue).Length,
            StateSnapshot s => (int)Math.Min(64 + s.Bytes + 13L * (s.Sections.IsDefault ? 0 : s.Sections.Length), int.MaxValue),
            CatchUpResponse or Promise or AcceptorSnapshot => 4096,
            StatePiece p => 64 + p.Data.Length,
            _ => 64,
        });
        w.Byte(FormatVersion);
        switch (obj)
        {
            case ILocalPaxosMessage: throw LocalOnly(obj);
            case Prepare m: WriteBallot(w, m.Ballot); w.Long(m.FromSlot).Int(m.From).Long(unchecked((long)m.Fingerprint)); break;
            case Promise m:
                WriteBallot(w, m.Ballot);
                w.Int(m.From).Long(m.CompactedThrough).Int(m.Page).Int(m.Pages);
                WriteAcceptedList(w, m.Accepted);
                break;
            case Accept m: WriteBallot(w, m.Ballot); w.Long(m.Slot); WriteValue(w, m.Value); w.Int(m.From); break;
            case Accepted m: WriteBallot(w, m.Ballot); w.Long(m.Slot).Int(m.From); break;
            case Nack m: WriteBallot(w, m.Rejected); WriteBallot(w, m.Promised); w.Int(m.From); break;
            case SlotsCompacted m: w.Long(m.ThroughSlot).Int(m.From); break;
            case SnapshotChunk m: w.Int(m.From).Long(m.Slot).Long(m.Offset).Long(m.Total).Bytes(m.Data).Long(unchecked((long)m.Fingerprint)); break;
            case SnapshotChunkRequest m: w.Int(m.From).Long(m.Slot).Long(m.Offset); break;
            case Heartbeat m: WriteBallot(w, m.Ballot); w.Int(m.Leader).Long(m.FirstUnchosen).Long(unchecked((long)m.Fingerprint)); break;
            case HeartbeatNack m: WriteBallot(w, m.Known); w.Int(m.From); break;
            case PreVote m: WriteBallot(w, m.Ballot); w.Int(m.From).Long(unchecked((long)m.Fingerprint)); break;
            case PreVoteReply m: WriteBallot(w, m.Ballot); w.Bool(m.Granted).Int(m.From); break;
            case Submit m: w.Int(m.Hops); WriteCommands(w, m.Commands); break;
            case Decision m: w.Long(m.Slot); WriteValue(w, m.Value); w.Int(m.From); WriteBallot(w, m.Ballot); w.Long(unchecked((long)m.Fingerprint)); break;
            case ReadIndexRequest m: w.Int(m.From).Long(m.Id).Int(m.Hops); break;
            case ReadIndexGrant m: w.Long(m.Id).Long(m.Index).Int(m.From); break;
            case ReadProbe m: WriteBallot(w, m.Ballot); w.Long(m.Round).Int(m.From); break;
            case ReadProbeAck m: WriteBallot(w, m.Ballot); w.Long(m.Round).Int(m.From); break;
            case CatchUpRequest m: w.Int(m.From).Long(m.FromSlot); break;
            case CatchUpResponse m:
                w.Bool(m.Snapshot is not null);
                if (m.Snapshot is not null) WriteSnapshot(w, m.Snapshot);
                w.Int(m.Decisions.Length);
                foreach (var d in m.Decisions) { w.Long(d.Slot); WriteValue(w, d.Value); }
                w.Int(m.From).Long(unchecked((long)m.Fingerprint));
                break;
            case PromiseMade m: WriteBallot(w, m.Ballot); break;
            case ValueAccepted m: WriteBallot(w, m.Ballot); w.Long(m.Slot); WriteValue(w, m.Value); break;
            case CompactedThrough m: w.Long(m.ThroughSlot); break;
            case AcceptorSnapshot m:
                WriteBallot(w, m.Promised);
                w.Long(m.CompactedThrough);
                WriteAcceptedList(w, m.Accepted);
                break;
            case RoundReserved m: w.Long(m.Round); break;
            case StateSnapshot m: WriteSnapshot(w, m); break;
            case ReplicaSnapshotMarker m: w.Long(m.Slot); break;
            case StatePiece m: w.Long(m.Slot).Long(m.Offset).Long(m.Total).Bytes(m.Data.Span); break;
            default: throw new SerializationException($"cannot serialize {obj.GetType().FullName}");
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (LocalOnlyManifests.Contains(manifest))
            throw new SerializationException($"refused '{manifest}': local-only Paxos messages are never accepted from the network");
        var r = new WireReader(bytes);
        var version = r.ReadByte();
        if (version != FormatVersion)
            throw new SerializationException(version > FormatVersion
                ? $"'{manifest}' was written in format {version}, newer than this node reads ({FormatVersion}); upgrade this node"
                : $"malformed message: unknown format version {version} of '{manifest}'");
        object result;
        switch (manifest)
        {
            case "px.prepare": result = new Prepare(ReadBallot(ref r), r.ReadLong(), r.ReadInt(), ReadFingerprint(ref r)); break;
            case "px.promise":
            {
                var b = ReadBallot(ref r);
                var from = r.ReadInt();
                var compacted = r.ReadLong();
                var page = r.ReadInt();
                var pages = r.ReadInt();
                if (pages < 1 || page < 0 || page >= pages) throw new SerializationException($"malformed message: promise page {page} of {pages}");
                result = new Promise(b, from, ReadAcceptedList(ref r), compacted, page, pages);
                break;
            }
            case "px.accept": result = new Accept(ReadBallot(ref r), r.ReadLong(), ReadValue(ref r, keepEncoding: true), r.ReadInt()); break;
            case "px.accepted": result = new Accepted(ReadBallot(ref r), r.ReadLong(), r.ReadInt()); break;
            case "px.nack": result = new Nack(ReadBallot(ref r), ReadBallot(ref r), r.ReadInt()); break;
            case "px.compacted": result = new SlotsCompacted(r.ReadLong(), r.ReadInt()); break;
            case "px.chunk": result = new SnapshotChunk(r.ReadInt(), r.ReadLong(), r.ReadLong(), r.ReadLong(), r.ReadBytes(), r.AtEnd ? 0 : unchecked((ulong)r.ReadLong())); break;
            case "px.chunk-req": result = new SnapshotChunkRequest(r.ReadInt(), r.ReadLong(), r.ReadLong()); break;
            case "px.hb": result = new Heartbeat(ReadBallot(ref r), r.ReadInt(), r.ReadLong(), ReadFingerprint(ref r)); break;
            case "px.hbnack": result = new HeartbeatNack(ReadBallot(ref r), r.ReadInt()); break;
            case "px.prevote": result = new PreVote(ReadBallot(ref r), r.ReadInt(), ReadFingerprint(ref r)); break;
            case "px.prevote-r": result = new PreVoteReply(ReadBallot(ref r), r.ReadBool(), r.ReadInt()); break;
            case "px.submit":
            {
                var hops = r.ReadInt();
                result = new Submit(ReadCommands(ref r), hops);
                break;
            }
            case "px.r.marker": result = new ReplicaSnapshotMarker(r.ReadLong()); break;
            case "px.r.piece": result = new StatePiece(r.ReadLong(), r.ReadLong(), r.ReadLong(), r.ReadBytes()); break;
            case "px.decision":
            {
                var slot = r.ReadLong();
                var value = ReadValue(ref r);
                // Written by a version before decisions named their sender: no sender, and the guard drops it.
                result = r.AtEnd ? new Decision(slot, value) : new Decision(slot, value, r.ReadInt(), ReadBallot(ref r), unchecked((ulong)r.ReadLong()));
                break;
            }
            case "px.read-req": result = new ReadIndexRequest(r.ReadInt(), r.ReadLong(), r.ReadInt()); break;
            case "px.read-grant": result = new ReadIndexGrant(r.ReadLong(), r.ReadLong(), r.ReadInt()); break;
            case "px.read-probe": result = new ReadProbe(ReadBallot(ref r), r.ReadLong(), r.ReadInt()); break;
            case "px.read-ack": result = new ReadProbeAck(ReadBallot(ref r), r.ReadLong(), r.ReadInt()); break;
            case "px.catchup": result = new CatchUpRequest(r.ReadInt(), r.ReadLong()); break;
            case "px.catchup-r":
            {
                var snap = r.ReadBool() ? ReadSnapshot(ref r) : null;
                var n = r.ReadCount(12);
                var ds = ImmutableArray.CreateBuilder<DecidedSlot>(n);
                for (var i = 0; i < n; i++) ds.Add(new DecidedSlot(r.ReadLong(), ReadValue(ref r)));
                result = r.AtEnd ? new CatchUpResponse(snap, ds.MoveToImmutable()) : new CatchUpResponse(snap, ds.MoveToImmutable(), r.ReadInt(), unchecked((ulong)r.ReadLong()));
                break;
            }
            case "px.e.promised": result = new PromiseMade(ReadBallot(ref r)); break;
            case "px.e.accepted": result = new ValueAccepted(ReadBallot(ref r), r.ReadLong(), ReadValue(ref r)); break;
            case "px.e.compacted": result = new CompactedThrough(r.ReadLong()); break;
            case "px.e.snapshot":
            {
                var b = ReadBallot(ref r);
                var compacted = r.ReadLong();
                result = new AcceptorSnapshot(b, compacted, ReadAcceptedList(ref r));
                break;
            }
            case "px.e.round": result = new RoundReserved(r.ReadLong()); break;
            case "log.snapshot": result = ReadSnapshot(ref r); break;
            default: throw new SerializationException($"unknown manifest '{manifest}'");
        }
        r.End();
        return result;
    }

    private static SerializationException LocalOnly(object o) =>
        new($"{o.GetType().Name} is local to a node and never sent over the network");

    /// <summary>The acceptor-list fingerprint at the end of a Prepare or Heartbeat; 0 when an older body has none.</summary>
    private static ulong ReadFingerprint(ref WireReader r) => r.AtEnd ? 0 : unchecked((ulong)r.ReadLong());

    private static void WriteBallot(WireWriter w, Ballot b) => w.Long(b.Round).Int(b.Node);

    private static Ballot ReadBallot(ref WireReader r) => new(r.ReadLong(), r.ReadInt());

    private static void WriteAccepted(WireWriter w, AcceptedSlot a)
    {
        w.Long(a.Slot);
        WriteBallot(w, a.Ballot);
        WriteValue(w, a.Value);
    }

    private static void WriteAcceptedList(WireWriter w, ImmutableArray<AcceptedSlot> accepted)
    {
        w.Int(accepted.Length);
        foreach (var a in accepted) WriteAccepted(w, a);
    }

    private static ImmutableArray<AcceptedSlot> ReadAcceptedList(ref WireReader r)
    {
        var n = r.ReadCount(24);
        var list = ImmutableArray.CreateBuilder<AcceptedSlot>(n);
        for (var i = 0; i < n; i++) list.Add(new AcceptedSlot(r.ReadLong(), ReadBallot(ref r), ReadValue(ref r)));
        return list.MoveToImmutable();
    }

    /// <summary>
    /// Encoded slot values, so that a value is encoded once however many messages and journal events carry it: the
    /// leader's accepts to every acceptor, its own acceptor's journal event, the decisions to every replica. An entry lives
    /// as long as its value does.
    /// </summary>
    private static readonly ConditionalWeakTable<SlotValue, byte[]> EncodedValues = new();

    private static readonly ConditionalWeakTable<SlotValue, byte[]>.CreateValueCallback EncodeValue = v =>
    {
        var w = new WireWriter((int)Math.Min(v.EncodedSize(), int.MaxValue));
        w.Long(v.Stamp);
        WriteCommands(w, v.Commands.IsDefault ? ImmutableArray<LogCommand>.Empty : v.Commands);
        return w.ToArray();
    };

    private static void WriteValue(WireWriter w, SlotValue v) => w.Raw(EncodedValues.GetValue(v, EncodeValue));

    /// <param name="r">The reader.</param>
    /// <param name="keepEncoding">Remember the bytes the value was read from, for a value this node writes again (an
    /// accepted value goes to the acceptor's journal).</param>
    private static SlotValue ReadValue(ref WireReader r, bool keepEncoding = false)
    {
        var start = r.Position;
        var stamp = r.ReadLong();
        var cmds = ReadCommands(ref r);
        if (cmds.IsEmpty && stamp == 0) return SlotValue.NoOp;
        var value = new SlotValue(cmds, stamp);
        if (keepEncoding) EncodedValues.AddOrUpdate(value, r.ConsumedSince(start).ToArray());
        return value;
    }

    private static void WriteCommands(WireWriter w, ImmutableArray<LogCommand> commands)
    {
        w.Int(commands.Length);
        foreach (var c in commands) WriteCommand(w, c);
    }

    private static ImmutableArray<LogCommand> ReadCommands(ref WireReader r)
    {
        var n = r.ReadCount(16);
        var cmds = ImmutableArray.CreateBuilder<LogCommand>(n);
        for (var i = 0; i < n; i++) cmds.Add(ReadCommand(ref r));
        return cmds.MoveToImmutable();
    }

    /// <summary>
    /// Before a command's operation tag: the command's <see cref="LogCommand.Issued"/> follows (only written when set, so
    /// commands written before it existed read the same).
    /// </summary>
    private const byte IssuedTag = 0xFF;

    /// <summary>
    /// The operation tag of a command as this version writes it: the service id (4 bytes) and the operation's encoded bytes
    /// (length-prefixed) follow, which the serializer never reads. A command written before services carried bytes has the
    /// operation's kind (1 to 13) here instead, followed by its fields (<see cref="LegacyFormat"/>).
    /// </summary>
    private const byte ServiceTag = 0xFE;

    private static void WriteCommand(WireWriter w, LogCommand c)
    {
        w.String(c.ClientId).Long(c.Seq);
        if (c.Issued != 0) w.Byte(IssuedTag).Long(c.Issued);
        w.Byte(ServiceTag).Int(c.Service).Bytes(c.Op);
    }

    private static LogCommand ReadCommand(ref WireReader r)
    {
        var client = r.ReadString();
        var seq = r.ReadLong();
        var tag = r.ReadByte();
        long issued = 0;
        if (tag == IssuedTag)
        {
            issued = r.ReadLong();
            tag = r.ReadByte();
        }
        if (tag == ServiceTag) return new LogCommand(client, seq, r.ReadInt(), r.ReadBytes(), issued);
        return LogCommand.Of(client, seq, LegacyFormat.Read(tag, ref r), issued);
    }

    /// <summary>
    /// Before a snapshot section as this version writes it (<see cref="SnapshotFormat"/>): the service id, the section's
    /// format (4 bytes each) and its bytes (length-prefixed) follow, which the serializer never reads. A snapshot written
    /// before services encoded their own sections has a section id (1 to 5) here instead, followed by its fields
    /// (<see cref="LegacyFormat"/>).
    /// </summary>
    private const byte SectionTag = SnapshotFormat.SectionTag;

    private static void WriteSnapshot(WireWriter w, StateSnapshot s) => w.Raw(SnapshotFormat.Encode(s));

    private static StateSnapshot ReadSnapshot(ref WireReader r)
    {
        var applied = r.ReadLong();
        var logTime = r.ReadLong();
        var count = r.ReadCount(5);
        var sections = ImmutableArray.CreateBuilder<ServiceSection>(count);
        for (var i = 0; i < count; i++)
        {
            var tag = r.ReadByte();
            sections.Add(tag == SectionTag ? new ServiceSection(r.ReadInt(), r.ReadInt(), r.ReadBytes()) : LegacyFormat.ReadSection(tag, ref r));
        }
        return new StateSnapshot(applied, logTime, sections.MoveToImmutable());
    }
}
