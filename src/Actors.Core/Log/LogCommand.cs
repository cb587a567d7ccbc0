using System.IO.Hashing;
using Actors.Core.Log.Schema;
using Google.Protobuf;

namespace Actors.Core.Log;

/// <summary>
/// An operation of one of the services on the log (<see cref="ILogService"/>), as its service reads it. The log carries
/// its encoding (<see cref="Encode"/>) in a <see cref="LogCommand"/>; <see cref="ReplicatedState"/> hands the bytes to
/// the service with that id, which decodes and applies them.
/// </summary>
public abstract record LogOp
{
    /// <summary>The id of the service that owns the operation (<see cref="ILogService.Id"/>).</summary>
    public abstract int Service { get; }

    /// <summary>The operation's encoding by its service's schema, which the service's <see cref="ILogService.Decode"/> reads back.</summary>
    public abstract byte[] Encode();

    /// <summary>
    /// The operation's kind within its service: the first byte of its digest (<see cref="CommandDigest"/>). The operations
    /// of the first services (key-value, ring, journal, the log's own) have kinds 1 to 13 between them and keep them.
    /// </summary>
    public abstract byte Kind { get; }

    /// <summary>
    /// Writes the operation's fields to its digest (<see cref="CommandDigest"/>); never change what an operation writes.
    /// Fields, not the encoding: an entry point encodes a client's retry again, and a retry across an upgrade that
    /// changed an encoding must still be known as the same command.
    /// </summary>
    protected internal abstract void Digest(DigestFields fields);

    /// <summary>
    /// True when applying the operation twice has the effect of applying it once, so that a node may submit it again
    /// while its first submission is unanswered (the leader may have changed).
    /// </summary>
    public virtual bool Idempotent => false;

    /// <summary>True for a read: answered off the log by read index (<see cref="ILogService.Read"/>), never applied.</summary>
    public virtual bool IsRead => false;

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

    public override int Service => BarrierService.ServiceId;

    public override byte[] Encode() => new LogOperation { ReadBarrier = new Schema.ReadBarrier() }.ToByteArray();

    public override byte Kind => 13;

    protected internal override void Digest(DigestFields fields)
    {
    }

    public override bool IsRead => true;
}

/// <summary>
/// A client command as the log carries it: who sent it, and the encoded operation of one service. The consensus never
/// looks inside <see cref="Op"/>: it sizes, compares and stores bytes. (<see cref="ClientId"/>, <see cref="Seq"/>)
/// identifies the command: a retry carries the same pair and is applied at most once. Equality is by content (the
/// operation byte by byte).
/// </summary>
/// <param name="ClientId">The client's id; ids starting with <see cref="ReplicatedState.EphemeralPrefix"/> are single-use.</param>
/// <param name="Seq">The client's sequence number of this command, from 1.</param>
/// <param name="Service">The id of the service the operation is for (<see cref="ILogService.Id"/>).</param>
/// <param name="Op">The operation, as its service encodes it (<see cref="LogOp.Encode"/>). Never changed once made.</param>
/// <param name="Issued">The log time its client knew when it first sent this seq, carried unchanged by every copy and retry
/// (0: unknown, not checked; entry points stamp their node's log time, which is 0 only before a new log's first slot). The command's client cannot have been active after a log time below it, so a command whose client has no
/// session and whose <see cref="Issued"/> is more than the session time to live behind the log is refused as
/// <see cref="CommandStatus.SessionExpired"/>: a copy held past its session's expiry (by a node cut off, a paused
/// process) is never applied again as new.</param>
public sealed record LogCommand(string ClientId, long Seq, int Service, byte[] Op, long Issued = 0)
{
    /// <summary>The command of <paramref name="op"/>, encoded.</summary>
    public static LogCommand Of(string clientId, long seq, LogOp op, long issued = 0) => new(clientId, seq, op.Service, op.Encode(), issued);

    public bool Equals(LogCommand? other) =>
        other is not null && ClientId == other.ClientId && Seq == other.Seq && Service == other.Service && Issued == other.Issued
        && Op.AsSpan().SequenceEqual(other.Op);

    public override int GetHashCode() => HashCode.Combine(ClientId, Seq, Service, Issued, XxHash3.HashToUInt64(Op));

    /// <summary>True when both commands have the same client id, sequence number, issue time, service and operation bytes.</summary>
    public static bool ContentEquals(LogCommand a, LogCommand b) => a.Equals(b);

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ClientId = {ClientId}, Seq = {Seq}, Service = {Service}, Op = {Op.Length} bytes, Issued = {Issued}");
        return true;
    }
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
