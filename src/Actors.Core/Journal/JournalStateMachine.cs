using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Journal;

/// <summary>
/// The journal service of the replicated state: the event streams and snapshots of persistent actors, keyed by
/// persistence id, as the log has agreed them. Every replica holds the same streams after the same slot, so a persistent
/// actor recovers on whichever node it lands. Deterministic: nothing but the operations goes in.
/// </summary>
public sealed class JournalStateMachine : ILogService
{
    /// <summary>The journal service's id on the log.</summary>
    public const int ServiceId = 3;

    int ILogService.Id => ServiceId;

    string ILogService.Name => "journal";

    public static readonly LogServiceRegistration Registration =
        new(ServiceId, "journal", (_, section) => new JournalStateMachine(JournalSection.Decode(section)));

    LogOp ILogService.Decode(ReadOnlySpan<byte> bytes) => JournalCodec.Decode(bytes);

    ServiceSection ILogService.Save() => Section().Encode();

    long ILogService.Growth(LogOp op) => op is JournalOp journal ? Growth(journal) : 0;

    CommandResult ILogService.Apply(LogOp op, long slot, long logTime) => Execute((JournalOp)op);

    CommandResult ILogService.Read(LogOp op, long slot, long logTime) => Rejected($"journal: {op.GetType().Name} is not a read");

    private readonly Dictionary<string, JournalStream> _streams = new(StringComparer.Ordinal);

    public JournalStateMachine(JournalSection? section = null)
    {
        if (section is null) return;
        foreach (var s in section.Streams)
            _streams[s.PersistenceId] = new JournalStream(s.PersistenceId, s.HighestSequenceNr, s.Events.ToList(), s.Snapshots.ToList())
            {
                DeletedTo = s.DeletedTo,
                // A section written before writers were kept: the writer of the highest event, where it is still held.
                Writer = s.Writer ?? (s.Events.Length > 0 && s.Events[^1].SequenceNr == s.HighestSequenceNr ? s.Events[^1].WriterUuid : ""),
            };
        Bytes = _streams.Values.Sum(x => x.Bytes);
    }

    /// <summary>Persistence ids with events or snapshots (or a highest sequence number) held.</summary>
    public int Count => _streams.Count;

    /// <summary>Bytes the streams take in a snapshot: their events and snapshots as encoded, and each stream's id and marks.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// How many bytes <paramref name="op"/> would add to <see cref="Bytes"/> if applied: its events, or its snapshot
    /// less one it replaces, and a new stream's marks (0 for deletes, late copies and operations refused anyway).
    /// </summary>
    public long Growth(JournalOp op)
    {
        if (JournalLimits.Validate(op) is not null) return 0;
        var known = _streams.TryGetValue(op.PersistenceId, out var stream);
        var marks = known ? 0 : JournalStream.MarkBytes(op.PersistenceId);
        var highest = stream?.Highest ?? 0;
        return op switch
        {
            // At or below the highest an append is a late copy (nothing is stored) or refused as another incarnation's:
            // it must get that answer, not "state full", or a writer whose event is held is told its write failed.
            JournalAppend a when a.Events[0].SequenceNr <= highest => 0,
            JournalAppend a => marks + a.Events.Sum(e => e.EncodedBytes),
            SnapshotSave s when s.Snapshot.SequenceNr > highest => 0, // refused: no snapshot of events never written
            SnapshotSave s => marks + s.Snapshot.EncodedBytes
                              - (stream?.Snapshots.Find(x => x.SequenceNr == s.Snapshot.SequenceNr) is { } replaced ? replaced.EncodedBytes : 0),
            _ => 0,
        };
    }

    /// <summary>Applies <paramref name="op"/>.</summary>
    public CommandResult Execute(JournalOp op)
    {
        // Every operation changes one stream: count the change in its size.
        var before = _streams.TryGetValue(op.PersistenceId, out var s) ? s.Bytes : 0;
        var result = Apply(op);
        Bytes += (_streams.TryGetValue(op.PersistenceId, out s) ? s.Bytes : 0) - before;
        return result;
    }

    private CommandResult Apply(JournalOp op)
    {
        if (JournalLimits.Validate(op) is { } error) return Rejected(error);
        switch (op)
        {
            case JournalAppend a:
            {
                var stream = Stream(a.PersistenceId);
                var first = a.Events[0].SequenceNr;
                if (first > stream.Highest)
                {
                    stream.Events.AddRange(a.Events);
                    stream.EventBytes += a.Events.Sum(e => e.EncodedBytes);
                    stream.Highest = a.Events[^1].SequenceNr;
                    stream.Writer = a.Events[^1].WriterUuid;
                    return CommandResult.Ok;
                }
                // At or below the highest: a late copy of an append already applied, or another incarnation writing. Only
                // the writer of the highest event can send a copy (an incarnation that wrote before it is fenced off, even
                // where its events are deleted), and a copy finds its events with the same content, or finds them deleted.
                foreach (var e in a.Events)
                {
                    var copy = e.SequenceNr <= stream.Highest && e.WriterUuid == stream.Writer && (Find(stream, e.SequenceNr) is { } held
                        ? JournalEvent.ContentEquals(held, e)
                        : e.SequenceNr <= stream.DeletedTo);
                    if (!copy)
                        return Rejected($"journal: {a.PersistenceId} already has events up to sequence number {stream.Highest}; " +
                                        $"an append from {first} is refused (another incarnation of this persistent actor is writing)");
                }
                return CommandResult.Ok;
            }
            case JournalDelete d:
            {
                if (!_streams.TryGetValue(d.PersistenceId, out var stream)) return CommandResult.Ok;
                var removed = d.ToSequenceNr == long.MaxValue ? stream.Events.Count : LowerBound(stream.Events, d.ToSequenceNr + 1);
                for (var i = 0; i < removed; i++) stream.EventBytes -= stream.Events[i].EncodedBytes;
                stream.Events.RemoveRange(0, removed);
                stream.DeletedTo = Math.Max(stream.DeletedTo, Math.Min(d.ToSequenceNr, stream.Highest));
                return CommandResult.Ok;
            }
            case SnapshotSave s:
            {
                var highest = HighestSequenceNr(s.PersistenceId);
                if (s.Snapshot.SequenceNr > highest)
                    return Rejected($"journal: a snapshot of {s.PersistenceId} at sequence number {s.Snapshot.SequenceNr} is refused: " +
                                    $"its events are written only up to {highest}");
                var stream = Stream(s.PersistenceId);
                RemoveSnapshots(stream, x => x.SequenceNr == s.Snapshot.SequenceNr);
                var at = stream.Snapshots.FindIndex(x => x.SequenceNr > s.Snapshot.SequenceNr);
                stream.Snapshots.Insert(at < 0 ? stream.Snapshots.Count : at, s.Snapshot);
                stream.SnapshotBytes += s.Snapshot.EncodedBytes;
                return CommandResult.Ok;
            }
            case SnapshotDelete x:
            {
                if (_streams.TryGetValue(x.PersistenceId, out var stream)) RemoveSnapshots(stream, x.Range.Matches);
                return CommandResult.Ok;
            }
            default:
                return Rejected($"journal: unknown operation {op.GetType().Name}");
        }
    }

    /// <summary>The highest sequence number written for <paramref name="persistenceId"/> (0: none), deleted events included.</summary>
    public long HighestSequenceNr(string persistenceId) => _streams.TryGetValue(persistenceId, out var s) ? s.Highest : 0;

    /// <summary>The events of <paramref name="persistenceId"/> in [<paramref name="from"/>, <paramref name="to"/>], at most <paramref name="max"/>, in order.</summary>
    public ImmutableArray<JournalEvent> Events(string persistenceId, long from, long to, long max)
    {
        if (!_streams.TryGetValue(persistenceId, out var s) || max <= 0) return [];
        var result = ImmutableArray.CreateBuilder<JournalEvent>();
        var i = LowerBound(s.Events, from);
        for (; i < s.Events.Count && s.Events[i].SequenceNr <= to && result.Count < max; i++) result.Add(s.Events[i]);
        return result.ToImmutable();
    }

    /// <summary>The newest snapshot of <paramref name="persistenceId"/> that <paramref name="range"/> selects, or null.</summary>
    public StoredSnapshot? LatestSnapshot(string persistenceId, SnapshotRange range)
    {
        if (!_streams.TryGetValue(persistenceId, out var s)) return null;
        for (var i = s.Snapshots.Count - 1; i >= 0; i--)
            if (range.Matches(s.Snapshots[i])) return s.Snapshots[i];
        return null;
    }

    /// <summary>The journal's section of a snapshot, streams in ordinal order of their ids.</summary>
    public JournalSection Section() => new(_streams
        .OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => new JournalStreamSection(p.Key, p.Value.Highest, [.. p.Value.Events], [.. p.Value.Snapshots], p.Value.DeletedTo, p.Value.Writer))
        .ToImmutableArray());

    private JournalStream Stream(string persistenceId)
    {
        if (!_streams.TryGetValue(persistenceId, out var s)) _streams[persistenceId] = s = new JournalStream(persistenceId, 0, new(), new());
        return s;
    }

    private static void RemoveSnapshots(JournalStream stream, Predicate<StoredSnapshot> match)
    {
        foreach (var x in stream.Snapshots)
            if (match(x)) stream.SnapshotBytes -= x.EncodedBytes;
        stream.Snapshots.RemoveAll(match);
    }

    private static JournalEvent? Find(JournalStream s, long sequenceNr)
    {
        var i = LowerBound(s.Events, sequenceNr);
        return i < s.Events.Count && s.Events[i].SequenceNr == sequenceNr ? s.Events[i] : null;
    }

    /// <summary>Index of the first event at or above <paramref name="sequenceNr"/>.</summary>
    private static int LowerBound(List<JournalEvent> events, long sequenceNr)
    {
        int lo = 0, hi = events.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (events[mid].SequenceNr < sequenceNr) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static CommandResult Rejected(string error) => new(CommandStatus.Rejected, null, error);

    private sealed class JournalStream(string persistenceId, long highest, List<JournalEvent> events, List<StoredSnapshot> snapshots)
    {
        public long Highest { get; set; } = highest;

        /// <summary>The writer (incarnation) of the event at <see cref="Highest"/>, kept when that event is deleted.</summary>
        public string Writer { get; set; } = "";

        /// <summary>Encoded bytes of the events held.</summary>
        public long EventBytes { get; set; } = events.Sum(e => e.EncodedBytes);

        /// <summary>Encoded bytes of the snapshots held.</summary>
        public long SnapshotBytes { get; set; } = snapshots.Sum(x => x.EncodedBytes);

        /// <summary>What the stream takes in a snapshot (its writer's id aside, which a section of an older version lacks).</summary>
        public long Bytes => MarkBytes(persistenceId) + EventBytes + SnapshotBytes;

        /// <summary>A stream's id, highest sequence number, deleted-to mark and two counts.</summary>
        public static long MarkBytes(string persistenceId) => EncodedSize.String(persistenceId) + 8 + 8 + 8;

        /// <summary>Events up to here were deleted (at most <see cref="Highest"/>).</summary>
        public long DeletedTo { get; set; }
        public List<JournalEvent> Events { get; } = events;
        public List<StoredSnapshot> Snapshots { get; } = snapshots;
    }
}
