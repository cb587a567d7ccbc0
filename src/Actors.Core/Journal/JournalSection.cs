using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Journal;

/// <summary>
/// One persistence id in the journal's section of a snapshot; events up to <see cref="DeletedTo"/> were deleted, and
/// <see cref="Writer"/> wrote the event at the highest sequence number (null: a section from before writers were kept).
/// </summary>
public sealed record JournalStreamSection(string PersistenceId, long HighestSequenceNr, ImmutableArray<JournalEvent> Events,
    ImmutableArray<StoredSnapshot> Snapshots, long DeletedTo = 0, string? Writer = null);

/// <summary>The journal service's section of a snapshot.</summary>
public sealed record JournalSection(ImmutableArray<JournalStreamSection> Streams)
{
    public static readonly JournalSection Empty = new(ImmutableArray<JournalStreamSection>.Empty);

    /// <summary>The format this version writes (journal.proto: a sequence of length-delimited streams).</summary>
    public const int Format = 1;

    public ServiceSection Encode() => LogFormat.Section(JournalStateMachine.ServiceId, Format, Streams, ToMessage);

    /// <exception cref="LogFormatException">A format this version does not know, or malformed bytes.</exception>
    public static JournalSection Decode(ServiceSection? section) =>
        new([.. LogFormat.Items<JournalStreamSection, Schema.Stream>(section, Format, "journal", FromMessage)]);

    private static Schema.Stream ToMessage(JournalStreamSection s)
    {
        var m = new Schema.Stream { PersistenceId = s.PersistenceId, HighestSequenceNr = s.HighestSequenceNr, DeletedTo = s.DeletedTo };
        m.Events.AddRange(s.Events.Select(JournalCodec.ToMessage));
        m.Snapshots.AddRange(s.Snapshots.Select(JournalCodec.ToMessage));
        if (s.Writer is not null) m.Writer = s.Writer;
        return m;
    }

    private static JournalStreamSection FromMessage(Schema.Stream m) => new(m.PersistenceId, m.HighestSequenceNr,
        [.. m.Events.Select(JournalCodec.FromMessage)], [.. m.Snapshots.Select(JournalCodec.FromMessage)], m.DeletedTo, m.HasWriter ? m.Writer : null);
}
