using System.Collections.Immutable;

namespace Actors.Core.Kv;

/// <summary>
/// The replicated key-value state machine. Deterministic: the same commands in the same order give the
/// same state and replies on every node. Keeps one session per client (its latest sequence number and
/// reply) so that a retried command is answered with its original reply and applied once.
/// </summary>
public sealed class KvStateMachine
{
    private readonly Dictionary<string, byte[]> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KvSession> _sessions = new(StringComparer.Ordinal);
    private readonly KvLimits _limits;

    /// <summary>
    /// Client ids starting with this prefix are single-use (one per request from a client that gave no id):
    /// their commands keep no session, so they cost nothing after they are answered.
    /// </summary>
    public const string EphemeralPrefix = "~";

    /// <summary>True for single-use client ids (see <see cref="EphemeralPrefix"/>).</summary>
    public static bool IsEphemeral(string clientId) => clientId.StartsWith(EphemeralPrefix, StringComparison.Ordinal);

    public KvStateMachine(KvLimits limits, KvSnapshot? snapshot = null)
    {
        _limits = limits;
        if (snapshot is null) return;
        foreach (var e in snapshot.Entries) _data[e.Key] = e.Value;
        foreach (var s in snapshot.Sessions) _sessions[s.ClientId] = s;
    }

    /// <summary>Number of keys held.</summary>
    public int Count => _data.Count;

    /// <summary>Reads local state directly. Not linearizable: for tests, status and snapshots only.</summary>
    public byte[]? Peek(string key) => _data.TryGetValue(key, out var v) ? v : null;

    /// <summary>Applies <paramref name="command"/> unless it is a retry, and returns its reply.</summary>
    public KvResult Apply(KvCommand command)
    {
        if (_sessions.TryGetValue(command.ClientId, out var session))
        {
            if (command.Seq == session.Seq) return session.Result;
            if (command.Seq < session.Seq) return KvResult.StaleRetry;
        }

        var result = Execute(command.Op);
        if (!IsEphemeral(command.ClientId))
            _sessions[command.ClientId] = new KvSession(command.ClientId, command.Seq, result);
        return result;
    }

    private KvResult Execute(KvOp op)
    {
        var error = _limits.Validate(op);
        if (error is not null) return new KvResult(KvStatus.Rejected, null, error);

        switch (op)
        {
            case KvPut put:
                _data[put.Key] = put.Value;
                return KvResult.Ok;
            case KvGet get:
                return _data.TryGetValue(get.Key, out var value) ? new KvResult(KvStatus.Ok, value) : KvResult.NotFound;
            case KvCas cas:
            {
                var found = _data.TryGetValue(cas.Key, out var current);
                var matches = cas.Expected is null ? !found : found && current!.AsSpan().SequenceEqual(cas.Expected);
                if (!matches) return new KvResult(KvStatus.CasFailed, current);
                _data[cas.Key] = cas.NewValue;
                return KvResult.Ok;
            }
            case KvDelete del:
                return _data.Remove(del.Key) ? KvResult.Ok : KvResult.NotFound;
            default:
                return new KvResult(KvStatus.Rejected, null, $"unknown operation {op.GetType().Name}");
        }
    }

    /// <summary>Copies the state into an immutable snapshot tagged with <paramref name="appliedThrough"/>.</summary>
    public KvSnapshot Snapshot(long appliedThrough) => new(
        appliedThrough,
        _data.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KvEntry(kv.Key, kv.Value)).ToImmutableArray(),
        _sessions.Values.OrderBy(s => s.ClientId, StringComparer.Ordinal).ToImmutableArray());
}
