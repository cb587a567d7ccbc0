using System.IO.Hashing;
using System.Text;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Ring;

namespace Actors.Core.Log;

/// <summary>A stable 64-bit digest (XxHash64) of an operation's kind and fields; equal on every node and version.</summary>
public static class CommandDigest
{
    public static ulong Of(LogOp op)
    {
        var h = new XxHash64();
        Span<byte> kind =
        [
            op switch
            {
                KvPut => 1, KvGet => 2, KvCas => 3, KvDelete => 4,
                RingJoin => 5, RingLeave => 6, RingDrain => 7, RingWeight => 8,
                JournalAppend => 9, JournalDelete => 10, SnapshotSave => 11, SnapshotDelete => 12, ReadBarrier => 13,
                _ => 0,
            },
        ];
        h.Append(kind);
        switch (op)
        {
            case KvPut p:
                Field(h, Encoding.UTF8.GetBytes(p.Key));
                Field(h, p.Value);
                break;
            case KvCas c:
                Field(h, Encoding.UTF8.GetBytes(c.Key));
                Field(h, c.Expected);
                Field(h, c.NewValue);
                break;
            case KvOp kv:
                Field(h, Encoding.UTF8.GetBytes(kv.Key));
                break;
            case RingJoin j:
                Field(h, BitConverter.GetBytes(j.Node));
                Field(h, Encoding.UTF8.GetBytes(j.Address));
                Field(h, BitConverter.GetBytes(j.Weight));
                break;
            case RingLeave l:
                Field(h, BitConverter.GetBytes(l.Node));
                break;
            case RingDrain d:
                Field(h, BitConverter.GetBytes(d.Node));
                break;
            case RingWeight w:
                Field(h, BitConverter.GetBytes(w.Node));
                Field(h, BitConverter.GetBytes(w.Weight));
                break;
            case JournalAppend a:
                Field(h, Encoding.UTF8.GetBytes(a.PersistenceId));
                foreach (var e in a.Events)
                {
                    Field(h, BitConverter.GetBytes(e.SequenceNr));
                    Field(h, BitConverter.GetBytes(e.SerializerId));
                    Field(h, Encoding.UTF8.GetBytes(e.Manifest));
                    Field(h, e.Payload);
                    Field(h, Encoding.UTF8.GetBytes(e.WriterUuid));
                }
                break;
            case JournalDelete d:
                Field(h, Encoding.UTF8.GetBytes(d.PersistenceId));
                Field(h, BitConverter.GetBytes(d.ToSequenceNr));
                break;
            case SnapshotSave s:
                Field(h, Encoding.UTF8.GetBytes(s.PersistenceId));
                Field(h, BitConverter.GetBytes(s.Snapshot.SequenceNr));
                Field(h, BitConverter.GetBytes(s.Snapshot.Timestamp));
                Field(h, BitConverter.GetBytes(s.Snapshot.SerializerId));
                Field(h, Encoding.UTF8.GetBytes(s.Snapshot.Manifest));
                Field(h, s.Snapshot.Payload);
                break;
            case SnapshotDelete x:
                Field(h, Encoding.UTF8.GetBytes(x.PersistenceId));
                Field(h, BitConverter.GetBytes(x.Range.MinSequenceNr));
                Field(h, BitConverter.GetBytes(x.Range.MaxSequenceNr));
                Field(h, BitConverter.GetBytes(x.Range.MinTimestamp));
                Field(h, BitConverter.GetBytes(x.Range.MaxTimestamp));
                break;
        }
        return h.GetCurrentHashAsUInt64();
    }

    // Length-prefixed, with -1 for null, so that no two different field lists hash the same bytes.
    private static void Field(XxHash64 h, byte[]? bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes?.Length ?? -1);
        h.Append(length);
        if (bytes is not null) h.Append(bytes);
    }
}
