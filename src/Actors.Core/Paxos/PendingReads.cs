using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>
/// A replica's linearizable reads on their way: waiting to be asked for, asked for (read-index requests carrying every read
/// that waits), and granted an index (answered once the replica has applied through it). A request not granted within the
/// retransmit time is followed by a new one that carries its reads too; the earlier requests stay valid, so a grant that
/// takes longer than the retransmit time still answers the reads it was for. A read held longer than its hold time is
/// dropped (its client has timed out and asks again). Deterministic: time is the replica's tick count.
/// </summary>
public sealed class PendingReads
{
    /// <summary>A read and the tick it arrived at; <see cref="Done"/> once granted or dropped.</summary>
    private sealed class Held(LogCommand read, ulong digest, long since)
    {
        public LogCommand Read { get; } = read;
        public (string, long, ulong) Key { get; } = (read.ClientId, read.Seq, digest);
        public long Since { get; } = since;
        public bool Done { get; set; }
    }

    /// <summary>A read-index request: its id, the reads it carried, when it was sent.</summary>
    private sealed record Request(long Id, List<Held> Reads, long SentAt);

    private readonly long _holdTicks;

    /// <summary>Reads not yet asked for, by (client id, seq, operation): a read sent again before it was asked for is held once.</summary>
    private readonly Dictionary<(string, long, ulong), Held> _unaskedByKey = new();
    private int _count;
    private readonly SortedDictionary<long, List<Held>> _granted = new();
    private List<Held> _unasked = new();

    /// <summary>Requests not yet granted, oldest first. Each carries every read of the ones before it that still waits.</summary>
    private readonly List<Request> _asked = new();
    private long _nextId;

    /// <param name="holdTicks">Ticks a read may wait for its grant before it is dropped.</param>
    /// <param name="firstId">The id before the first request's. Each incarnation of a replica draws it at random, so a grant
    /// meant for a request of the previous incarnation (the same node before a restart) answers no request of this one.</param>
    public PendingReads(long holdTicks, long firstId = 0)
    {
        _holdTicks = holdTicks;
        _nextId = firstId;
    }

    /// <summary>Reads held, in every stage.</summary>
    public int Count => _count;

    /// <summary>The id of the newest request waiting for a grant, or null.</summary>
    public long? Asked => _asked.Count == 0 ? null : _asked[^1].Id;

    /// <summary>Requests sent and not yet granted whose grant would still answer a read.</summary>
    public int Outstanding => _asked.Count;

    /// <summary>
    /// Holds <paramref name="read"/>. The same read sent again (client, seq and operation) before its first copy was asked for
    /// is held once; after that it is held on its own, so it is answered at an index granted after it arrived (a copy that
    /// joined an earlier request could miss a write acknowledged before it began). A different read that reuses a client's
    /// seq is held on its own and answered with its own value.
    /// </summary>
    public void Add(LogCommand read, long now)
    {
        var held = new Held(read, CommandDigest.OfEncoding(read), now);
        if (!_unaskedByKey.TryAdd(held.Key, held)) return;
        _unasked.Add(held);
        _count++;
    }

    /// <summary>
    /// The id of a read-index request to send now, or null: reads wait and no request is outstanding, or the newest one has
    /// gone unanswered for <paramref name="retransmitTicks"/> (the new request carries its reads too, and a grant of any
    /// outstanding request still answers the reads it carried). Reads held longer than the hold time are dropped here.
    /// </summary>
    public long? NextRequest(long now, int retransmitTicks)
    {
        var waiting = _unasked;
        if (_asked.Count > 0)
        {
            var newest = _asked[^1];
            if (now - newest.SentAt < retransmitTicks) return null;
            waiting = newest.Reads.Where(h => !h.Done).Concat(_unasked).ToList();
        }
        _unasked = new();
        _unaskedByKey.Clear();
        foreach (var h in waiting)
            if (now - h.Since > _holdTicks) Drop(h);
        waiting.RemoveAll(h => h.Done);
        _asked.RemoveAll(r => r.Reads.All(h => h.Done));
        if (waiting.Count == 0) return null;
        var id = unchecked(++_nextId);
        _asked.Add(new Request(id, waiting, now));
        return id;
    }

    /// <summary>
    /// The leader granted request <paramref name="id"/> the index <paramref name="index"/>: the reads it carried that still
    /// wait are answered once the replica has applied through it. False when no outstanding request has that id.
    /// </summary>
    public bool Grant(long id, long index)
    {
        var i = _asked.FindIndex(r => r.Id == id);
        if (i < 0) return false;
        var request = _asked[i];
        // Every read of an earlier request that still waits is in this one too.
        _asked.RemoveRange(0, i + 1);
        List<Held>? list = null;
        foreach (var h in request.Reads)
        {
            if (h.Done) continue;
            h.Done = true;
            if (list is null && !_granted.TryGetValue(index, out list)) _granted[index] = list = new();
            list.Add(h);
        }
        return true;
    }

    /// <summary>Removes and returns the granted reads whose index is applied (below <paramref name="nextToApply"/>).</summary>
    public List<LogCommand> Ready(long nextToApply)
    {
        var ready = new List<LogCommand>();
        while (_granted.Count > 0)
        {
            var (index, reads) = _granted.First();
            if (index >= nextToApply) break;
            _granted.Remove(index);
            foreach (var h in reads)
            {
                _count--;
                ready.Add(h.Read);
            }
        }
        return ready;
    }

    private void Drop(Held h)
    {
        h.Done = true;
        _count--;
    }
}
