using Actors.Core.Journal;
using Actors.Core.Log;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;

namespace Actors.Runtime.Persistence;

/// <summary>
/// The snapshot store that goes with <see cref="LogJournal"/>: snapshots are log commands (<see cref="SnapshotSave"/>,
/// <see cref="SnapshotDelete"/>) and a load reads the local replica after a read barrier, so a persistent actor finds its
/// latest snapshot on any node. Configure it as <c>actors.persistence.snapshot-store</c>.
/// </summary>
public sealed class LogSnapshotStore : SnapshotStore
{
    private readonly LogStoreClient _log;

    public LogSnapshotStore(Config config) => _log = new LogStoreClient(Context.System, config);

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var range = RangeOf(criteria);
        var snapshot = await _log.ReadAsync(s => s.Journal.LatestSnapshot(persistenceId, range));
        if (snapshot is null) return null;
        var payload = _log.Deserialize(snapshot.Payload, snapshot.SerializerId, snapshot.Manifest);
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, snapshot.SequenceNr, new DateTime(snapshot.Timestamp, DateTimeKind.Utc)), payload);
    }

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var (id, manifest, bytes) = _log.Serialize(snapshot);
        var save = new SnapshotSave(metadata.PersistenceId, new StoredSnapshot(metadata.SequenceNr, metadata.Timestamp.ToUniversalTime().Ticks, id, manifest, bytes));
        if (_log.Refuse(save) is { } error) throw new ArgumentException(error);
        await _log.SubmitAsync(save);
    }

    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        var ticks = metadata.Timestamp == DateTime.MinValue ? (Min: 0L, Max: long.MaxValue) : (Min: metadata.Timestamp.ToUniversalTime().Ticks, Max: metadata.Timestamp.ToUniversalTime().Ticks);
        await _log.SubmitAsync(new SnapshotDelete(metadata.PersistenceId,
            new SnapshotRange(metadata.SequenceNr, metadata.SequenceNr, ticks.Min, ticks.Max)));
    }

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _log.SubmitAsync(new SnapshotDelete(persistenceId, RangeOf(criteria)));

    private static SnapshotRange RangeOf(SnapshotSelectionCriteria c) => new(
        c.MinSequenceNr,
        c.MaxSequenceNr,
        c.MinTimestamp is { } min && min != DateTime.MinValue ? min.ToUniversalTime().Ticks : 0,
        c.MaxTimeStamp == DateTime.MaxValue ? long.MaxValue : c.MaxTimeStamp.ToUniversalTime().Ticks);
}
