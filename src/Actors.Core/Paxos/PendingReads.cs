using Actors.Core.Kv;
using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>
/// A replica's linearizable reads on their way: waiting to be asked for, asked for (one read-index request at a time,
/// carrying every read that waits), and granted an index (answered once the replica has applied through it). A request
/// not granted within the retransmit time is replaced by a new one that carries its reads too; a read held longer than
/// its hold time is dropped (its client has timed out and asks again). Deterministic: time is the replica's tick count.
/// </summary>
public sealed class PendingReads
{
    private sealed record Held(LogCommand Read, long Since);

    private readonly long _holdTicks;
    private readonly HashSet<(string ClientId, long Seq)> _held = new();
    private readonly SortedDictionary<long, List<Held>> _granted = new();
    private List<Held> _unasked = new();
    private (long Id, List<Held> Reads, long SentAt)? _asked;
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
    public int Count => _held.Count;

    /// <summary>The id of the request waiting for a grant, or null.</summary>
    public long? Asked => _asked?.Id;

    /// <summary>Holds <paramref name="read"/>; a read already held (the same client and seq, sent again) is held once.</summary>
    public void Add(LogCommand read, long now)
    {
        if (_held.Add((read.ClientId, read.Seq))) _unasked.Add(new Held(read, now));
    }

    /// <summary>
    /// The id of a read-index request to send now, or null: reads wait and no request is outstanding, or the outstanding
    /// one has gone unanswered for <paramref name="retransmitTicks"/> (the new request carries its reads too). Reads held
    /// longer than the hold time are dropped here.
    /// </summary>
    public long? NextRequest(long now, int retransmitTicks)
    {
        if (_asked is { } asked)
        {
            if (now - asked.SentAt < retransmitTicks) return null;
            asked.Reads.AddRange(_unasked);
            _unasked = asked.Reads;
            _asked = null;
        }
        _unasked.RemoveAll(h => now - h.Since > _holdTicks && _held.Remove((h.Read.ClientId, h.Read.Seq)));
        if (_unasked.Count == 0) return null;
        _asked = (unchecked(++_nextId), _unasked, now);
        _unasked = new();
        return _asked.Value.Id;
    }

    /// <summary>The leader granted request <paramref name="id"/> the index <paramref name="index"/>; false for any other request.</summary>
    public bool Grant(long id, long index)
    {
        if (_asked is not { } asked || asked.Id != id) return false;
        _asked = null;
        if (!_granted.TryGetValue(index, out var list)) _granted[index] = list = new();
        list.AddRange(asked.Reads);
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
                _held.Remove((h.Read.ClientId, h.Read.Seq));
                ready.Add(h.Read);
            }
        }
        return ready;
    }
}
