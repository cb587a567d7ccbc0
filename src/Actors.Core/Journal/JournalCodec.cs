using Actors.Core.Journal.Schema;
using Actors.Core.Log;
using Google.Protobuf;

namespace Actors.Core.Journal;

/// <summary>The journal service's operations as the log carries them (journal.proto).</summary>
public static class JournalCodec
{
    public static byte[] Encode(JournalOp op) => Message(op).ToByteArray();

    /// <summary>Bytes of <paramref name="op"/>'s encoding, without making it (the payloads are not copied).</summary>
    public static int Size(JournalOp op) => Message(op).CalculateSize();

    private static JournalOperation Message(JournalOp op)
    {
        var m = new JournalOperation();
        switch (op)
        {
            case JournalAppend a:
                m.Append = new Append { PersistenceId = a.PersistenceId };
                foreach (var e in a.Events) m.Append.Events.Add(ToMessage(e));
                break;
            case JournalDelete d: m.Delete = new Schema.Delete { PersistenceId = d.PersistenceId, ToSequenceNr = d.ToSequenceNr }; break;
            case SnapshotSave s: m.SaveSnapshot = new SaveSnapshot { PersistenceId = s.PersistenceId, Snapshot = ToMessage(s.Snapshot) }; break;
            case SnapshotDelete x:
                m.DeleteSnapshots = new DeleteSnapshots
                {
                    PersistenceId = x.PersistenceId, MinSequenceNr = x.Range.MinSequenceNr, MaxSequenceNr = x.Range.MaxSequenceNr,
                    MinTimestamp = x.Range.MinTimestamp, MaxTimestamp = x.Range.MaxTimestamp,
                };
                break;
            default: throw new ArgumentException($"journal: no encoding for {op.GetType().Name}");
        }
        return m;
    }

    /// <exception cref="LogFormatException">The bytes are not a journal operation this version knows.</exception>
    public static JournalOp Decode(ReadOnlySpan<byte> bytes)
    {
        var m = LogFormatException.Parse<JournalOperation>(bytes, "journal");
        return m.OpCase switch
        {
            JournalOperation.OpOneofCase.Append => new JournalAppend(m.Append.PersistenceId, [.. m.Append.Events.Select(FromMessage)]),
            JournalOperation.OpOneofCase.Delete => new JournalDelete(m.Delete.PersistenceId, m.Delete.ToSequenceNr),
            JournalOperation.OpOneofCase.SaveSnapshot => new SnapshotSave(m.SaveSnapshot.PersistenceId,
                FromMessage(m.SaveSnapshot.Snapshot ?? throw new LogFormatException("journal: a snapshot save without its snapshot"))),
            JournalOperation.OpOneofCase.DeleteSnapshots => new SnapshotDelete(m.DeleteSnapshots.PersistenceId, new SnapshotRange(
                m.DeleteSnapshots.MinSequenceNr, m.DeleteSnapshots.MaxSequenceNr, m.DeleteSnapshots.MinTimestamp, m.DeleteSnapshots.MaxTimestamp)),
            _ => throw LogFormatException.NoOperation("journal"),
        };
    }

    internal static Event ToMessage(JournalEvent e) => new()
    {
        SequenceNr = e.SequenceNr, SerializerId = e.SerializerId, Manifest = e.Manifest, Payload = LogFormat.Wrap(e.Payload), WriterUuid = e.WriterUuid,
    };

    internal static JournalEvent FromMessage(Event e) => new(e.SequenceNr, e.SerializerId, e.Manifest, e.Payload.ToByteArray(), e.WriterUuid);

    internal static Schema.Snapshot ToMessage(StoredSnapshot s) => new()
    {
        SequenceNr = s.SequenceNr, Timestamp = s.Timestamp, SerializerId = s.SerializerId, Manifest = s.Manifest, Payload = LogFormat.Wrap(s.Payload),
    };

    internal static StoredSnapshot FromMessage(Schema.Snapshot s) => new(s.SequenceNr, s.Timestamp, s.SerializerId, s.Manifest, s.Payload.ToByteArray());
}
