using System.Collections.Immutable;
using Actors.Core.Kv;

namespace Actors.Core.Log;

/// <summary>
/// Client sessions of the replicated state: (client id, seq) deduplicates retries. Sessions expire after
/// <see cref="LogRules.SessionTtl"/> of log time, swept whenever log time crosses a multiple of
/// <see cref="LogRules.SweepInterval"/>, so every replica forgets the same sessions at the same slot.
/// </summary>
public sealed class SessionTable
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly LogRules _rules;

    public SessionTable(LogRules rules, IEnumerable<Session>? restored = null)
    {
        _rules = rules;
        if (restored is null) return;
        foreach (var s in restored) Record(s);
    }

    public int Count => _sessions.Count;

    /// <summary>Bytes the sessions take in a snapshot (a failed cas keeps the value it found).</summary>
    public long Bytes { get; private set; }

    /// <summary>What <paramref name="s"/> takes in a snapshot: its client id, seq, digest, time, and its reply if kept.</summary>
    public static long SizeOf(Session s) => EncodedSize.String(s.ClientId) + 8 + 8 + 8 + 1
        + (s.Result is { } r ? 1 + EncodedSize.Bytes(r.Value) + EncodedSize.String(r.Error) : 0);

    /// <summary>The session of <paramref name="clientId"/>, or null.</summary>
    public Session? Find(string clientId) => _sessions.GetValueOrDefault(clientId);

    public void Record(Session session)
    {
        if (_sessions.TryGetValue(session.ClientId, out var old)) Bytes -= SizeOf(old);
        _sessions[session.ClientId] = session;
        Bytes += SizeOf(session);
    }

    /// <summary>Log time moved from <paramref name="before"/> to <paramref name="now"/>: sweep if it crossed a sweep boundary.</summary>
    public void Advance(long before, long now)
    {
        var every = _rules.SweepInterval;
        if (now <= before || now / every == before / every || _sessions.Count == 0) return;
        var oldest = now - _rules.SessionTtl;
        List<string>? expired = null;
        foreach (var (id, s) in _sessions)
            if (s.LastActive < oldest) (expired ??= new()).Add(id);
        if (expired is null) return;
        foreach (var id in expired)
            if (_sessions.Remove(id, out var gone)) Bytes -= SizeOf(gone);
    }

    /// <summary>The sessions in client id order.</summary>
    public ImmutableArray<Session> Snapshot() =>
        _sessions.Values.OrderBy(s => s.ClientId, StringComparer.Ordinal).ToImmutableArray();
}
