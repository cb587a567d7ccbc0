namespace Actors.Runtime.Paxos;

/// <summary>
/// The replica's journal event written before each snapshot, so that every snapshot has a sequence number of
/// its own. Only ever read back during recovery; no role takes it as an input.
/// </summary>
public sealed record ReplicaSnapshotMarker(long Slot);
