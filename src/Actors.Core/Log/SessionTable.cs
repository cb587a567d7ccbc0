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
        foreach (var s in restored) _sessions[s.ClientId] = s;
    }

    public int Count => _sessions.Count;

    /// <summary>The session of <paramref name="clientId"/>, or null.</summary>
    public Session? Find(string clientId) => _sessions.GetValueOrDefault(clientId);

    public void Record(Session session) => _sessions[session.ClientId] = session;

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
        foreach (var id in expired) _sessions.Remove(id);
    }

    /// <summary>The sessions in client id order.</summary>
    public ImmutableArray<Session> Snapshot() =>
        _sessions.Values.OrderBy(s => s.ClientId, StringComparer.Ordinal).ToImmutableArray();
}
