using System.Collections.Immutable;

namespace Actors.Core.Paxos;

/// <summary>Marker for what an acceptor persists; replaying the events rebuilds its state.</summary>
public interface IAcceptorEvent : IPaxosMessage;

/// <summary>The acceptor promised not to accept anything below <see cref="Ballot"/>.</summary>
public sealed record PromiseMade(Ballot Ballot) : IAcceptorEvent;

/// <summary>The acceptor accepted <see cref="Value"/> in <see cref="Slot"/> at <see cref="Ballot"/> (which implies a promise of it).</summary>
public sealed record ValueAccepted(Ballot Ballot, long Slot, SlotValue Value) : IAcceptorEvent;

/// <summary>Slots up to and including <see cref="ThroughSlot"/> are covered by a durable snapshot and were dropped.</summary>
public sealed record CompactedThrough(long ThroughSlot) : IAcceptorEvent;

/// <summary>The whole acceptor state, saved so that journal entries below it can be deleted.</summary>
public sealed record AcceptorSnapshot(Ballot Promised, long CompactedThrough, ImmutableArray<AcceptedSlot> Accepted) : IAcceptorEvent;

/// <summary>
/// The proposer's journal event: this node campaigns with rounds above <see cref="Round"/> only. Persisted before
/// the prepares of a campaign leave, so a restarted proposer never reuses a ballot.
/// </summary>
public sealed record RoundReserved(long Round) : IPaxosMessage;
