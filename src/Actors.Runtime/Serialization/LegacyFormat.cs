using System.Collections.Immutable;
using System.Runtime.Serialization;
using Actors.Contracts.Serialization;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Ring;

namespace Actors.Runtime.Serialization;

/// <summary>
/// Reads what nodes wrote before services carried their own encodings: operations as a kind byte (1 to 13, one table for
/// every service) and their fields, and snapshot sections as a section id (1 to 5) and their fields. Frozen: only data
/// written then (acceptors' journals, snapshots) is read this way, and nothing is written so any more. What it reads is
/// encoded again by the services' own codecs, so the rest of the node sees one format.
/// </summary>
internal static class LegacyFormat
{
    public static LogOp Read(byte kind, ref WireReader r) => kind switch
    {
        1 => new KvPut(r.ReadString(), r.ReadBytes()),
        2 => new KvGet(r.ReadString()),
        3 => new KvCas(r.ReadString(), r.ReadBytesOrNull(), r.ReadBytes()),
        4 => new KvDelete(r.ReadString()),
        5 => new RingJoin(r.ReadInt(), r.ReadString(), BitConverter.Int64BitsToDouble(r.ReadLong())),
        6 => new RingLeave(r.ReadInt()),
        7 => new RingDrain(r.ReadInt()),
        8 => new RingWeight(r.ReadInt(), BitConverter.Int64BitsToDouble(r.ReadLong())),
        9 => new JournalAppend(r.ReadString(), ReadEvents(ref r)),
        10 => new JournalDelete(r.ReadString(), r.ReadLong()),
        11 => new SnapshotSave(r.ReadString(), ReadStoredSnapshot(ref r)),
        12 => new SnapshotDelete(r.ReadString(), new SnapshotRange(r.ReadLong(), r.ReadLong(), r.ReadLong(), r.ReadLong())),
        13 => ReadBarrier.Instance,
        var t => throw new SerializationException($"operation {t} is unknown to this version (malformed, or written by a newer one: upgrade this node)"),
    };

    public static ImmutableArray<JournalEvent> ReadEvents(ref WireReader r)
    {
        var n = r.ReadCount(24);
        var events = ImmutableArray.CreateBuilder<JournalEvent>(n);
        for (var i = 0; i < n; i++) events.Add(new JournalEvent(r.ReadLong(), r.ReadInt(), r.ReadString(), r.ReadBytes(), r.ReadString()));
        return events.MoveToImmutable();
    }

    public static StoredSnapshot ReadStoredSnapshot(ref WireReader r) =>
        new(r.ReadLong(), r.ReadLong(), r.ReadInt(), r.ReadString(), r.ReadBytes());

    /// <summary>A snapshot section as written then, encoded as its service encodes it now.</summary>
    public static ServiceSection ReadSection(byte id, ref WireReader r)
    {
        switch (id)
        {
            case 1:
            {
                var n = r.ReadCount(8);
                var entries = ImmutableArray.CreateBuilder<KvEntry>(n);
                for (var i = 0; i < n; i++) entries.Add(new KvEntry(r.ReadString(), r.ReadBytes()));
                return new KvSection(entries.MoveToImmutable()).Encode();
            }
            case 2:
            {
                var m = r.ReadCount(29);
                var list = ImmutableArray.CreateBuilder<Session>(m);
                for (var i = 0; i < m; i++)
                {
                    var clientId = r.ReadString();
                    var seq = r.ReadLong();
                    var digest = unchecked((ulong)r.ReadLong());
                    var lastActive = r.ReadLong();
                    var result = r.ReadBool() ? ReadResult(ref r) : null;
                    list.Add(new Session(clientId, seq, digest, result, lastActive));
                }
                return new SessionsSection(list.MoveToImmutable()).Encode();
            }
            case 3:
            {
                var version = r.ReadLong();
                var n = r.ReadCount(17);
                var members = ImmutableArray.CreateBuilder<RingMember>(n);
                for (var i = 0; i < n; i++)
                {
                    var node = r.ReadInt();
                    var address = r.ReadString();
                    var weight = BitConverter.Int64BitsToDouble(r.ReadLong());
                    var status = r.ReadByte();
                    if (!Enum.IsDefined(typeof(RingMemberStatus), (int)status))
                        throw new SerializationException($"malformed snapshot: unknown ring member status {status}");
                    members.Add(new RingMember(node, address, weight, (RingMemberStatus)status));
                }
                return new RingSection(version, members.MoveToImmutable()).Encode();
            }
            case 4 or 5:
            {
                // 4: streams written before they kept their writer.
                var withWriters = id == 5;
                var n = r.ReadCount(28);
                var streams = ImmutableArray.CreateBuilder<JournalStreamSection>(n);
                for (var i = 0; i < n; i++)
                {
                    var persistenceId = r.ReadString();
                    var highest = r.ReadLong();
                    var events = ReadEvents(ref r);
                    var count = r.ReadCount(28);
                    var snapshots = ImmutableArray.CreateBuilder<StoredSnapshot>(count);
                    for (var j = 0; j < count; j++) snapshots.Add(ReadStoredSnapshot(ref r));
                    var deletedTo = r.ReadLong();
                    streams.Add(new JournalStreamSection(persistenceId, highest, events, snapshots.MoveToImmutable(), deletedTo, withWriters ? r.ReadString() : null));
                }
                return new JournalSection(streams.MoveToImmutable()).Encode();
            }
            default:
                throw new SerializationException($"snapshot section {id} is unknown to this version; upgrade this node");
        }
    }

    private static CommandResult ReadResult(ref WireReader r)
    {
        var s = r.ReadByte();
        if (!Enum.IsDefined(typeof(CommandStatus), (int)s)) throw new SerializationException($"malformed message: unknown status {s}");
        return new CommandResult((CommandStatus)s, r.ReadBytesOrNull(), r.ReadStringOrNull());
    }
}
