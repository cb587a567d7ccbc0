using System.Collections.Immutable;

namespace Actors.Core.Paxos;

/// <summary>
/// The acceptor role as a deterministic state machine. It keeps the highest ballot it promised and, per
/// slot, the value it accepted at the highest ballot. Every state change comes back as an event in
/// <see cref="Effects.Persist"/>; the driver must make it durable before it sends the replies in
/// <see cref="Effects.Send"/>. After a crash the acceptor is rebuilt from those events only.
/// </summary>
public sealed class Acceptor
{
    private readonly SortedDictionary<long, AcceptedSlot> _accepted = new();

    /// <param name="self">This node's id.</param>
    /// <param name="maxPageBytes">Approximate bytes of accepted values in one promise message at most (one value always
    /// fits); keeps every promise below the transport's frame size.</param>
    public Acceptor(int self, long maxPageBytes = 4 * 1024 * 1024)
    {
        Self = self;
        _maxPageBytes = maxPageBytes;
    }

    private readonly long _maxPageBytes;

    public int Self { get; }

    /// <summary>Highest ballot promised; no accept below it is ever acknowledged.</summary>
    public Ballot Promised { get; private set; } = Ballot.Zero;

    /// <summary>Slots up to and including this one were compacted away (-1: none).</summary>
    public long CompactedThrough { get; private set; } = -1;

    /// <summary>Accepted values still held, by slot.</summary>
    public IReadOnlyDictionary<long, AcceptedSlot> AcceptedSlots => _accepted;

    /// <summary>Rebuilds state from a persisted event (recovery) or records one just decided (step).</summary>
    public void Apply(IAcceptorEvent e)
    {
        switch (e)
        {
            case PromiseMade p:
                if (p.Ballot > Promised) Promised = p.Ballot;
                break;
            case ValueAccepted a:
                if (a.Ballot > Promised) Promised = a.Ballot;
                if (a.Slot > CompactedThrough) _accepted[a.Slot] = new AcceptedSlot(a.Slot, a.Ballot, a.Value);
                break;
            case CompactedThrough c:
                if (c.ThroughSlot <= CompactedThrough) break;
                CompactedThrough = c.ThroughSlot;
                while (_accepted.Count > 0)
                {
                    var first = _accepted.Keys.First();
                    if (first > c.ThroughSlot) break;
                    _accepted.Remove(first);
                }
                break;
            case AcceptorSnapshot s:
                _accepted.Clear();
                Promised = s.Promised;
                CompactedThrough = s.CompactedThrough;
                foreach (var a in s.Accepted) _accepted[a.Slot] = a;
                break;
        }
    }

    /// <summary>The whole state, for a journal snapshot.</summary>
    public AcceptorSnapshot Snapshot() => new(Promised, CompactedThrough, _accepted.Values.ToImmutableArray());

    /// <summary>Handles one message and says what to persist and send.</summary>
    public Effects Step(IPaxosMessage message)
    {
        var fx = new Effects();
        switch (message)
        {
            case Prepare p:
                OnPrepare(p, fx);
                break;
            case Accept a:
                OnAccept(a, fx);
                break;
            case ReadProbe r:
                // Promised only grows, durably or not: if it is not above the ballot now, no higher ballot has won a
                // majority through this acceptor before now, whatever a crash later forgets of what is not yet written.
                fx.SendAtOnce.Add(r.Ballot >= Promised
                    ? new Outbound(r.From, PaxosRole.Proposer, new ReadProbeAck(r.Ballot, r.Round, Self))
                    : new Outbound(r.From, PaxosRole.Proposer, new Nack(r.Ballot, Promised, Self)));
                break;
            case Compact c when c.ThroughSlot > CompactedThrough:
                Record(new CompactedThrough(c.ThroughSlot), fx);
                break;
        }
        return fx;
    }

    private void OnPrepare(Prepare p, Effects fx)
    {
        if (p.Ballot < Promised)
        {
            fx.Send.Add(new Outbound(p.From, PaxosRole.Proposer, new Nack(p.Ballot, Promised, Self)));
            return;
        }
        // A repeated prepare at the promised ballot is answered again: the promise is already recorded.
        if (p.Ballot > Promised) Record(new PromiseMade(p.Ballot), fx);

        var from = Math.Max(p.FromSlot, CompactedThrough + 1);
        var pages = new List<ImmutableArray<AcceptedSlot>>();
        var page = ImmutableArray.CreateBuilder<AcceptedSlot>();
        long bytes = 0;
        foreach (var a in _accepted.Values)
        {
            if (a.Slot < from) continue;
            var size = a.Value.EncodedSize() + 24;
            if (page.Count > 0 && bytes + size > _maxPageBytes)
            {
                pages.Add(page.ToImmutable());
                page.Clear();
                bytes = 0;
            }
            page.Add(a);
            bytes += size;
        }
        if (page.Count > 0 || pages.Count == 0) pages.Add(page.ToImmutable());
        for (var i = 0; i < pages.Count; i++)
            fx.Send.Add(new Outbound(p.From, PaxosRole.Proposer, new Promise(p.Ballot, Self, pages[i], CompactedThrough, i, pages.Count)));
    }

    private void OnAccept(Accept a, Effects fx)
    {
        if (a.Ballot < Promised)
        {
            fx.Send.Add(new Outbound(a.From, PaxosRole.Proposer, new Nack(a.Ballot, Promised, Self)));
            return;
        }
        // A compacted slot is chosen and applied everywhere a snapshot covers it: nothing to accept, but say so,
        // or a leader that still has the slot in flight retransmits it forever and its window never drains.
        if (a.Slot <= CompactedThrough)
        {
            fx.Send.Add(new Outbound(a.From, PaxosRole.Proposer, new SlotsCompacted(CompactedThrough, Self)));
            return;
        }

        // A leader proposes one value per slot and ballot, so a repeat at the held ballot is a retransmission.
        // The same ballot with another value means two proposers used one ballot: answering would let two
        // values be chosen for the slot, so refuse and report it.
        if (_accepted.TryGetValue(a.Slot, out var held) && held.Ballot == a.Ballot)
        {
            if (!held.Value.ContentEquals(a.Value))
            {
                fx.Errors.Add($"acceptor {Self}: an accept from node {a.From} at ballot {a.Ballot} for slot {a.Slot} " +
                              "carries another value than the one accepted at that ballot; refused (a ballot was reused)");
                return;
            }
        }
        else
        {
            Record(new ValueAccepted(a.Ballot, a.Slot, a.Value), fx);
        }
        fx.Send.Add(new Outbound(a.From, PaxosRole.Proposer, new Accepted(a.Ballot, a.Slot, Self)));
    }

    private void Record(IAcceptorEvent e, Effects fx)
    {
        Apply(e);
        fx.Persist.Add(e);
    }
}
