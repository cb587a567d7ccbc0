using Actors.Core.Kv;

namespace Actors.Core.Log;

/// <summary>
/// The state every replica builds from the log, as a composite of pure services: the client sessions, which
/// deduplicate retries for every service, and the key-value store. Commands are routed to their service by type.
/// Deterministic: the same slots in the same order give the same state and replies on every node, because nothing but
/// the log (its commands and the leader's time stamps) goes in.
/// </summary>
public sealed class ReplicatedState
{
    /// <summary>
    /// Client ids starting with this prefix are single-use (one per request from a client that gave no id): their
    /// commands keep no session, so they cost nothing after they are answered.
    /// </summary>
    public const string EphemeralPrefix = "~";

    private readonly LogRules _rules;
    private readonly SessionTable _sessions;

    public ReplicatedState(LogRules rules, StateSnapshot? snapshot = null)
    {
        _rules = rules.Validate();
        snapshot ??= StateSnapshot.Empty;
        LogTime = snapshot.LogTime;
        Kv = new KvStateMachine(rules.Limits, snapshot.Kv);
        _sessions = new SessionTable(rules, snapshot.Sessions.Sessions);
    }

    /// <summary>True for single-use client ids (see <see cref="EphemeralPrefix"/>).</summary>
    public static bool IsEphemeral(string clientId) => clientId.StartsWith(EphemeralPrefix, StringComparison.Ordinal);

    /// <summary>The key-value service.</summary>
    public KvStateMachine Kv { get; }

    /// <summary>The highest leader time stamp applied so far; never goes back.</summary>
    public long LogTime { get; private set; }

    /// <summary>Client sessions held.</summary>
    public int SessionCount => _sessions.Count;

    /// <summary>A slot stamped <paramref name="stamp"/> is being applied: log time moves forward (never back), expired sessions go.</summary>
    public void Advance(long stamp)
    {
        if (stamp <= LogTime) return;
        var before = LogTime;
        LogTime = stamp;
        _sessions.Advance(before, stamp);
    }

    /// <summary>Applies <paramref name="command"/> unless it is a retry, and returns its reply.</summary>
    public KvResult Apply(KvCommand command)
    {
        if (IsEphemeral(command.ClientId)) return Kv.Execute(command.Op);
        if (command.Seq < 1)
            return new KvResult(KvStatus.Rejected, null, $"client {command.ClientId}: seq must be at least 1 (got {command.Seq})");

        var digest = CommandDigest.Of(command.Op);
        if (_sessions.Find(command.ClientId) is { } session)
        {
            if (command.Seq < session.Seq) return KvResult.StaleRetry;
            if (command.Seq == session.Seq)
            {
                if (session.Digest != digest)
                    return new KvResult(KvStatus.Rejected, null,
                        $"client {command.ClientId}: seq {command.Seq} was already used for another command; use a new seq");
                _sessions.Record(session with { LastActive = LogTime });
                // A read keeps no value: its retry reads again, at a point inside the retry's own interval.
                return session.Result ?? Kv.Execute(command.Op);
            }
        }

        var result = Kv.Execute(command.Op);
        _sessions.Record(new Session(command.ClientId, command.Seq, digest, command.Op is KvGet ? null : result, LogTime));
        return result;
    }

    /// <summary>The whole state, tagged with <paramref name="appliedThrough"/>.</summary>
    public StateSnapshot Snapshot(long appliedThrough) =>
        new(appliedThrough, LogTime, Kv.Section(), new SessionsSection(_sessions.Snapshot()));
}
