using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Journal;

/// <summary>
/// An event as the log-backed journal stores it: its sequence number, the Akka serializer and manifest it was written
/// with, its bytes and the id of the writer (a persistent actor's incarnation).
/// </summary>
public sealed record JournalEvent(long SequenceNr, int SerializerId, string Manifest, byte[] Payload, string WriterUuid)
{
    /// <summary>Bytes of its encoding: sequence number, serializer id, manifest, payload, writer.</summary>
    public long EncodedBytes => 8 + 4 + EncodedSize.String(Manifest) + EncodedSize.Bytes(Payload) + EncodedSize.String(WriterUuid);

    /// <summary>True when both are the same event, compared by content (payload byte by byte).</summary>
    public static bool ContentEquals(JournalEvent a, JournalEvent b) =>
        a.SequenceNr == b.SequenceNr && a.SerializerId == b.SerializerId && a.Manifest == b.Manifest
        && a.WriterUuid == b.WriterUuid && a.Payload.AsSpan().SequenceEqual(b.Payload);
}

/// <summary>A snapshot as the log-backed snapshot store keeps it (timestamp in UTC ticks).</summary>
public sealed record StoredSnapshot(long SequenceNr, long Timestamp, int SerializerId, string Manifest, byte[] Payload)
{
    /// <summary>Bytes of its encoding: sequence number, timestamp, serializer id, manifest, payload.</summary>
    public long EncodedBytes => 8 + 8 + 4 + EncodedSize.String(Manifest) + EncodedSize.Bytes(Payload);
}

/// <summary>
/// Which snapshots a load or delete selects: sequence numbers in [<see cref="MinSequenceNr"/>, <see cref="MaxSequenceNr"/>]
/// and timestamps (UTC ticks) in [<see cref="MinTimestamp"/>, <see cref="MaxTimestamp"/>].
/// </summary>
public readonly record struct SnapshotRange(long MinSequenceNr, long MaxSequenceNr, long MinTimestamp, long MaxTimestamp)
{
    /// <summary>Every snapshot.</summary>
    public static readonly SnapshotRange All = new(0, long.MaxValue, 0, long.MaxValue);

    public bool Matches(StoredSnapshot s) =>
        s.SequenceNr >= MinSequenceNr && s.SequenceNr <= MaxSequenceNr && s.Timestamp >= MinTimestamp && s.Timestamp <= MaxTimestamp;
}

/// <summary>
/// An operation of the journal service: the events and snapshots of persistent actors, keyed by persistence id. Appends
/// and deletes are idempotent even when a late copy arrives after later operations (a copy of an append finds its own
/// events, or finds them deleted), so they may be submitted again; a snapshot save is not (a late copy after a delete
/// would bring the snapshot back).
/// </summary>
public abstract record JournalOp(string PersistenceId) : LogOp
{
    public override bool Idempotent => true;

    public override int Service => JournalStateMachine.ServiceId;

    public override byte[] Encode() => JournalCodec.Encode(this);
}

/// <summary>
/// Appends <see cref="Events"/> (strictly increasing sequence numbers) to <see cref="JournalOp.PersistenceId"/>'s stream, all or
/// none. Refused when the first is not above the highest sequence number written so far, unless it is a late copy: every
/// event written by the writer of the stream's highest event and still there with the same content, or deleted since. So
/// two incarnations of one persistent actor never both write a sequence number, and one fenced off by a newer one stays
/// fenced off even where the events it would overwrite were deleted.
/// </summary>
public sealed record JournalAppend(string PersistenceId, ImmutableArray<JournalEvent> Events) : JournalOp(PersistenceId)
{
    public override byte Kind => 9;

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(PersistenceId);
        foreach (var e in Events)
        {
            fields.Long(e.SequenceNr);
            fields.Int(e.SerializerId);
            fields.String(e.Manifest);
            fields.Bytes(e.Payload);
            fields.String(e.WriterUuid);
        }
    }
}

/// <summary>Deletes the events of <see cref="JournalOp.PersistenceId"/> up to and including <see cref="ToSequenceNr"/>; the highest sequence number stays.</summary>
public sealed record JournalDelete(string PersistenceId, long ToSequenceNr) : JournalOp(PersistenceId)
{
    public override byte Kind => 10;

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(PersistenceId);
        fields.Long(ToSequenceNr);
    }
}

/// <summary>
/// Stores <see cref="Snapshot"/> for <see cref="JournalOp.PersistenceId"/>, replacing one at the same sequence number.
/// Refused above the stream's highest sequence number: a snapshot is of events written.
/// </summary>
public sealed record SnapshotSave(string PersistenceId, StoredSnapshot Snapshot) : JournalOp(PersistenceId)
{
    public override bool Idempotent => false;

    public override byte Kind => 11;

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(PersistenceId);
        fields.Long(Snapshot.SequenceNr);
        fields.Long(Snapshot.Timestamp);
        fields.Int(Snapshot.SerializerId);
        fields.String(Snapshot.Manifest);
        fields.Bytes(Snapshot.Payload);
    }
}

/// <summary>Deletes the snapshots of <see cref="JournalOp.PersistenceId"/> that <see cref="Range"/> selects.</summary>
public sealed record SnapshotDelete(string PersistenceId, SnapshotRange Range) : JournalOp(PersistenceId)
{
    public override byte Kind => 12;

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(PersistenceId);
        fields.Long(Range.MinSequenceNr);
        fields.Long(Range.MaxSequenceNr);
        fields.Long(Range.MinTimestamp);
        fields.Long(Range.MaxTimestamp);
    }
}
