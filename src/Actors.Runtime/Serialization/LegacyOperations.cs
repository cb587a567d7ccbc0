using System.Collections.Immutable;
using System.Runtime.Serialization;
using Actors.Contracts.Serialization;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Ring;

namespace Actors.Runtime.Serialization;

/// <summary>
/// Reads operations as the log wrote them before services carried their own encodings: a kind byte (1 to 13, one table
/// for every service) and the operation's fields. Frozen: only data written then (acceptors' journals, snapshots) is read
/// this way, and nothing is written so any more.
/// </summary>
internal static class LegacyOperations
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
}
