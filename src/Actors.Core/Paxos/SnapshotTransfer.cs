namespace Actors.Core.Paxos;

/// <summary>
/// The serving side of a chunked snapshot transfer: the serialized bytes of the latest snapshots served (the newest
/// <c>keep</c>), cut into pieces of at most <see cref="ChunkBytes"/> on request. A transfer that began with one snapshot
/// goes on with it while a newer one is served to another peer; were only the newest held, two lagging peers catching
/// up while the snapshot advances would cut each other's transfers short, and neither might ever finish.
/// </summary>
public sealed class SnapshotSender(int self, int chunkBytes, int keep = 2, ulong fingerprint = 0)
{
    /// <summary>The snapshots held, oldest first.</summary>
    private readonly List<(long Slot, byte[] Bytes)> _held = new();

    public int ChunkBytes { get; } = chunkBytes > 0 ? chunkBytes : throw new ArgumentOutOfRangeException(nameof(chunkBytes));

    /// <summary>True when the bytes of the snapshot through <paramref name="slot"/> are held.</summary>
    public bool Holds(long slot) => _held.Exists(h => h.Slot == slot);

    /// <summary>Holds <paramref name="bytes"/> as the snapshot through <paramref name="slot"/>; the oldest beyond <c>keep</c> goes.</summary>
    public void Load(long slot, byte[] bytes)
    {
        _held.RemoveAll(h => h.Slot == slot);
        _held.Add((slot, bytes));
        while (_held.Count > Math.Max(1, keep)) _held.RemoveAt(0);
    }

    /// <summary>The piece at <paramref name="offset"/> of the snapshot through <paramref name="slot"/>, or null when that
    /// snapshot is no longer held (the receiver then starts over with a fresh catch-up request).</summary>
    public SnapshotChunk? Chunk(long slot, long offset)
    {
        var at = _held.FindIndex(h => h.Slot == slot);
        if (at < 0) return null;
        var bytes = _held[at].Bytes;
        if (offset < 0 || offset >= Math.Max(1, bytes.Length)) return null;
        var length = (int)Math.Min(ChunkBytes, bytes.Length - offset);
        return new SnapshotChunk(self, slot, offset, bytes.Length, bytes.AsSpan((int)offset, length).ToArray(), fingerprint);
    }
}

/// <summary>
/// The receiving side of a chunked snapshot transfer, as a deterministic state machine: it assembles the pieces of
/// one snapshot from one peer in order, asks for the next piece after each one, asks again when a piece is lost
/// (after <c>retransmitTicks</c> without progress) and gives up after a few tries, so a fresh catch-up can start.
/// </summary>
public sealed class SnapshotReceiver(int self, int retransmitTicks, int maxRetries = 5)
{
    private readonly List<byte[]> _pieces = new();
    private long _now;
    private long _lastProgress;
    private int _retries;

    /// <summary>The peer and slot of the transfer under way, or null.</summary>
    public (int From, long Slot)? Current { get; private set; }

    /// <summary>Bytes received so far of the transfer under way.</summary>
    public long Received { get; private set; }

    private long _total;

    /// <summary>
    /// Takes a piece. Returns the whole snapshot's bytes when this piece completes it; otherwise <paramref name="next"/>
    /// is the request for the following piece (or null when the piece was not the one expected).
    /// </summary>
    public byte[]? Offer(SnapshotChunk c, out SnapshotChunkRequest? next)
    {
        next = null;
        if (c.Total < 0 || c.Data.Length == 0 && c.Total > 0 || c.Offset + c.Data.Length > c.Total) return null;
        if (Current is not { } cur || (c.Offset == 0 && (cur.From != c.From || c.Slot > cur.Slot)))
        {
            // A new transfer starts with its first piece; a newer snapshot replaces one under way.
            if (c.Offset != 0) return null;
            Reset();
            Current = (c.From, c.Slot);
            _total = c.Total;
        }
        else if (cur.From != c.From || cur.Slot != c.Slot || c.Offset != Received || c.Total != _total)
        {
            return null; // a duplicate, a late piece or a piece of another transfer
        }

        _pieces.Add(c.Data);
        Received += c.Data.Length;
        _lastProgress = _now;
        _retries = 0;
        if (Received < _total)
        {
            next = new SnapshotChunkRequest(self, c.Slot, Received);
            return null;
        }

        var whole = new byte[_total];
        var at = 0;
        foreach (var p in _pieces)
        {
            p.CopyTo(whole, at);
            at += p.Length;
        }
        Reset();
        return whole;
    }

    /// <summary>A tick: asks again for the expected piece when none came for a while; gives up after a few tries.</summary>
    public SnapshotChunkRequest? Tick()
    {
        _now++;
        if (Current is not { } cur || _now - _lastProgress < retransmitTicks) return null;
        if (++_retries > maxRetries)
        {
            Reset();
            return null;
        }
        _lastProgress = _now;
        return new SnapshotChunkRequest(self, cur.Slot, Received);
    }

    /// <summary>Drops the transfer under way (for example when the replica caught up past it otherwise).</summary>
    public void Reset()
    {
        Current = null;
        _pieces.Clear();
        Received = 0;
        _total = 0;
        _retries = 0;
    }
}
