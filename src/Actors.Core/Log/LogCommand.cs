namespace Actors.Core.Log;

/// <summary>
/// An operation of one of the services on the log (<see cref="ILogService"/>). <see cref="ReplicatedState"/> routes each
/// to the service that owns it.
/// </summary>
public abstract record LogOp
{
    /// <summary>
    /// The operation's kind: a number that never changes, unique among all operations of the log, the first byte of its
    /// digest and of its encoding.
    /// </summary>
    public abstract byte Kind { get; }

    /// <summary>Bytes of the operation's encoding after its kind byte, as the node's serializer writes it.</summary>
    public abstract long EncodedBytes { get; }

    /// <summary>Writes the operation's fields to its digest (<see cref="CommandDigest"/>); never change what an operation writes.</summary>
    protected internal abstract void Digest(DigestFields fields);

    /// <summary>
    /// True when applying the operation twice has the effect of applying it once, so that a node may submit it again
    /// while its first submission is unanswered (the leader may have changed).
    /// </summary>
    public virtual bool Idempotent => false;

    /// <summary>True for a read: answered off the log by read index (<see cref="ILogService.Read"/>), never applied.</summary>
    public virtual bool IsRead => false;

    /// <summary>
    /// True when <paramref name="other"/> is the same operation, compared by content. Records compare arrays by reference,
    /// so an operation that carries bytes compares them byte by byte here.
    /// </summary>
    protected virtual bool SameContent(LogOp other) => Equals(other);

    /// <summary>True when both operations are the same, compared by content (byte arrays byte by byte).</summary>
    public static bool ContentEquals(LogOp a, LogOp b) => a.SameContent(b);

    /// <summary>An operation prints its own fields only (as in logs: <c>RingJoin { Node = 1, ... }</c>), not the log's properties.</summary>
    protected virtual bool PrintMembers(System.Text.StringBuilder builder) => false;
}

/// <summary>
/// A read that reads nothing: answered by read index once the local replica has applied every slot chosen before it was
/// asked, so that what the node reads next from its own replica is linearizable (a read barrier).
/// </summary>
public sealed record ReadBarrier : LogOp
{
    public static readonly ReadBarrier Instance = new();

    public override byte Kind => 13;

    public override long EncodedBytes => 0;

    protected internal override void Digest(DigestFields fields)
    {
    }

    public override bool IsRead => true;
}

/// <summary>
/// A client command as it travels through the log. (<see cref="ClientId"/>, <see cref="Seq"/>) identifies
/// it: a retry carries the same pair and is applied at most once.
/// </summary>
/// <param name="ClientId">The client's id; ids starting with <see cref="ReplicatedState.EphemeralPrefix"/> are single-use.</param>
/// <param name="Seq">The client's sequence number of this command, from 1.</param>
/// <param name="Op">The operation.</param>
/// <param name="Issued">The log time its client knew when it first sent this seq, carried unchanged by every copy and retry
/// (0: unknown, not checked; entry points stamp their node's log time, which is 0 only before a new log's first slot). The command's client cannot have been active after a log time below it, so a command whose client has no
/// session and whose <see cref="Issued"/> is more than the session time to live behind the log is refused as
/// <see cref="CommandStatus.SessionExpired"/>: a copy held past its session's expiry (by a node cut off, a paused
/// process) is never applied again as new.</param>
public sealed record LogCommand(string ClientId, long Seq, LogOp Op, long Issued = 0)
{
    /// <summary>True when both commands have the same client id, sequence number, issue time and operation, compared by content.</summary>
    public static bool ContentEquals(LogCommand a, LogCommand b) =>
        a.ClientId == b.ClientId && a.Seq == b.Seq && a.Issued == b.Issued && LogOp.ContentEquals(a.Op, b.Op);
}

/// <summary>Outcome of a command.</summary>
public enum CommandStatus
{
    /// <summary>Applied: put stored, get found, cas swapped, delete removed a key, a ring change made.</summary>
    Ok = 0,

    /// <summary>Get or delete of an absent key.</summary>
    NotFound = 1,

    /// <summary>Cas whose expected value did not match; <see cref="CommandResult.Value"/> holds the current value.</summary>
    CasFailed = 2,

    /// <summary>The command was refused; <see cref="CommandResult.Error"/> says why. Nothing changed.</summary>
    Rejected = 3,

    /// <summary>A retry of a command older than the client's latest one; its original reply is gone.</summary>
    Stale = 4,

    /// <summary>
    /// Not applied within the node's request timeout (no leader, no quorum): it may still be applied. Only a node answers
    /// this to its own callers; the log never records it.
    /// </summary>
    Timeout = 5,

    /// <summary>
    /// Not queued: the node's proposer already holds <see cref="Paxos.PaxosConfig.MaxPending"/> commands (a leader cut off
    /// from a majority, or no leader known). Only a node answers this to its own callers; an earlier copy of the command may
    /// still be applied, so a retry uses the same client id and seq.
    /// </summary>
    Overloaded = 6,

    /// <summary>
    /// Refused: its client has no session, and the command was issued more than the session time to live before the log's
    /// time. It was not applied now; an earlier copy may have been, before the session expired.
    /// </summary>
    SessionExpired = 7,
}

/// <summary>The reply to a command; <see cref="Value"/> is the value read (get) or the current value (failed cas).</summary>
public sealed record CommandResult(CommandStatus Status, byte[]? Value = null, string? Error = null)
{
    public static readonly CommandResult Ok = new(CommandStatus.Ok);
    public static readonly CommandResult NotFound = new(CommandStatus.NotFound);
    public static readonly CommandResult StaleRetry = new(CommandStatus.Stale, null, "a newer command of this client was applied already");
}
