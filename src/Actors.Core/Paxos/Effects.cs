using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>A command the replica applied, with the reply its client gets.</summary>
public sealed record AppliedCommand(LogCommand Command, CommandResult Result);

/// <summary>
/// What one step of a role asks its driver to do, in this order: persist <see cref="Persist"/> (acceptor) or
/// <see cref="SaveSnapshot"/> (replica), and only once that is durable send <see cref="Send"/> and deliver
/// <see cref="Applied"/> replies. <see cref="Errors"/> are for the driver's error log: each one is evidence of a
/// bug or a misconfiguration, never of an ordinary fault.
/// </summary>
public sealed class Effects
{
    public List<Outbound> Send { get; } = new();

    /// <summary>
    /// Messages that depend on nothing a write has yet to make durable, so they may leave at once, ahead of
    /// <see cref="Send"/> and of earlier steps' writes (an acceptor's answer to a read probe).
    /// </summary>
    public List<Outbound> SendAtOnce { get; } = new();

    /// <summary>Acceptor events to make durable before anything in <see cref="Send"/> leaves.</summary>
    public List<IAcceptorEvent> Persist { get; } = new();

    public List<AppliedCommand> Applied { get; } = new();

    /// <summary>Linearizable reads the replica answered from its state (never through the log): for the reads' requesters only.</summary>
    public List<AppliedCommand> Reads { get; } = new();

    /// <summary>
    /// A proposer round the driver must make durable before anything in <see cref="Send"/> leaves, so that no
    /// incarnation of this proposer ever campaigns with a ballot it used before (as Raft persists currentTerm).
    /// </summary>
    public long? PersistRound { get; set; }

    /// <summary>
    /// Client commands submitted on this node that the proposer did not queue: it already holds
    /// <see cref="PaxosConfig.MaxPending"/> commands. The driver answers their requesters "overloaded".
    /// </summary>
    public List<LogCommand> Refused { get; } = new();

    /// <summary>Things the driver logs as errors.</summary>
    public List<string> Errors { get; } = new();

    /// <summary>A snapshot the replica wants saved; the driver answers with <see cref="SnapshotSaved"/>.</summary>
    public StateSnapshot? SaveSnapshot { get; set; }

    /// <summary>A peer's snapshot the replica installed in this step (for the driver's log).</summary>
    public SnapshotInstalled? Installed { get; set; }
}

/// <summary>A replica installed the snapshot through <paramref name="Slot"/> that node <paramref name="From"/> sent, of <paramref name="Bytes"/> bytes of sections.</summary>
public sealed record SnapshotInstalled(long Slot, int From, long Bytes);
