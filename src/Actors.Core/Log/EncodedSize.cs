using System.Text;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Actors.Core.Ring;

namespace Actors.Core.Log;

/// <summary>
/// The number of bytes a command takes on the wire and in the acceptors' journal, exactly as the node's serializer
/// writes it (strings and byte arrays prefixed by a 4-byte length, integers fixed-width). Batches, promise pages, catch-up
/// answers and forwarded submits are cut by these sizes, so that every message stays below the transport's frame size
/// whatever the operation carries. The serializer's tests check that it writes exactly these sizes.
/// </summary>
public static class EncodedSize
{
    /// <summary>A length-prefixed UTF-8 string.</summary>
    public static long String(string? s) => 4 + (s is null ? 0 : Encoding.UTF8.GetByteCount(s));

    /// <summary>A length-prefixed byte array.</summary>
    public static long Bytes(byte[]? b) => 4 + (b?.Length ?? 0);

    /// <summary>Client id, seq, the time the command was issued when set (a tag and 8 bytes), operation tag and operation.</summary>
    public static long Of(LogCommand c) => String(c.ClientId) + 8 + (c.Issued != 0 ? 9 : 0) + 1 + Of(c.Op);

    /// <summary>An operation without its tag.</summary>
    public static long Of(LogOp op) => op switch
    {
        KvPut p => String(p.Key) + Bytes(p.Value),
        KvCas cas => String(cas.Key) + Bytes(cas.Expected) + Bytes(cas.NewValue),
        KvOp kv => String(kv.Key),
        RingJoin j => 4 + String(j.Address) + 8,
        RingWeight => 4 + 8,
        RingOp => 4,
        JournalAppend a => String(a.PersistenceId) + 4 + a.Events.Sum(Of),
        JournalDelete d => String(d.PersistenceId) + 8,
        SnapshotSave s => String(s.PersistenceId) + Of(s.Snapshot),
        SnapshotDelete d => String(d.PersistenceId) + 32,
        ReadBarrier => 0,
        _ => throw new ArgumentException($"no encoded size for operation {op.GetType().Name}"),
    };

    /// <summary>A journal event: sequence number, serializer id, manifest, payload, writer.</summary>
    public static long Of(JournalEvent e) => 8 + 4 + String(e.Manifest) + Bytes(e.Payload) + String(e.WriterUuid);

    /// <summary>A stored snapshot: sequence number, timestamp, serializer id, manifest, payload.</summary>
    public static long Of(StoredSnapshot s) => 8 + 8 + 4 + String(s.Manifest) + Bytes(s.Payload);

    /// <summary>A slot value: its stamp, the command count and the commands.</summary>
    public static long Of(SlotValue v) => 8 + 4 + (v.IsNoOp ? 0 : v.Commands.Sum(Of));
}
