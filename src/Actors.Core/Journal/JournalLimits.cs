using Actors.Core.Log;

namespace Actors.Core.Journal;

/// <summary>Bounds on what the journal service accepts, so that one command stays a reasonable log entry.</summary>
public static class JournalLimits
{
    /// <summary>Largest persistence id, in UTF-8 bytes.</summary>
    public const int MaxPersistenceIdBytes = 1024;

    /// <summary>Largest total payload of one append or one snapshot.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>
    /// Largest operation, sized by <see cref="SizeOf"/>: the payload limit plus room for ids, manifests and sequence
    /// numbers. Many small events, or long manifests, cannot make one command larger than this.
    /// </summary>
    public const int MaxOperationBytes = MaxPayloadBytes + 64 * 1024;

    /// <summary>Why <paramref name="op"/> is not accepted, or null.</summary>
    public static string? Validate(JournalOp op) => Check(op) ?? (SizeOf(op) is var size && size > MaxOperationBytes
        ? $"journal: an operation of {size} encoded bytes is above the limit of {MaxOperationBytes}"
        : null);

    /// <summary>
    /// An operation's size by a fixed rule (every string and byte array with a 4-byte length, every number at its width),
    /// not by its encoding: replicas apply the limit to the same operation whatever encoder their version has, and a slot
    /// replayed after an upgrade gets the verdict it got before. Within a few bytes per field of the encoded size.
    /// </summary>
    public static long SizeOf(JournalOp op) => EncodedSize.String(op.PersistenceId) + op switch
    {
        JournalAppend a => 4 + a.Events.Sum(e => e.EncodedBytes),
        JournalDelete => 8,
        SnapshotSave x => x.Snapshot.EncodedBytes,
        SnapshotDelete => 32,
        _ => 0,
    };

    private static string? Check(JournalOp op)
    {
        if (string.IsNullOrEmpty(op.PersistenceId)) return "journal: the persistence id is empty";
        if (System.Text.Encoding.UTF8.GetByteCount(op.PersistenceId) > MaxPersistenceIdBytes)
            return $"journal: persistence id longer than {MaxPersistenceIdBytes} bytes";
        switch (op)
        {
            case JournalAppend a:
            {
                if (a.Events.IsDefaultOrEmpty) return "journal: an append with no events";
                long previous = 0, bytes = 0;
                foreach (var e in a.Events)
                {
                    if (e.SequenceNr <= previous)
                        return $"journal: sequence numbers of an append must be positive and increasing ({e.SequenceNr} after {previous})";
                    previous = e.SequenceNr;
                    bytes += e.Payload.Length;
                }
                return bytes > MaxPayloadBytes ? $"journal: an append of {bytes} bytes is above the limit of {MaxPayloadBytes}" : null;
            }
            case SnapshotSave s:
                if (s.Snapshot.SequenceNr < 0) return $"journal: snapshot sequence number {s.Snapshot.SequenceNr} is negative";
                return s.Snapshot.Payload.Length > MaxPayloadBytes
                    ? $"journal: a snapshot of {s.Snapshot.Payload.Length} bytes is above the limit of {MaxPayloadBytes}"
                    : null;
            default:
                return null;
        }
    }
}
