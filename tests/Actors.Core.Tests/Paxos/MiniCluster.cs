using Actors.Core.Log;
using Actors.Core.Paxos;

namespace Actors.Core.Tests.Paxos;

/// <summary>
/// A cluster's roles wired by a reliable FIFO network; only <c>leader</c> runs a proposer. Replicas in <see cref="Cut"/>
/// get no message until they leave it.
/// </summary>
internal sealed class MiniCluster
{
    private readonly Queue<(int From, Outbound Out)> _queue = new();
    private readonly List<(int From, Decision Decision)> _decisions = new();

    /// <param name="more">Services of the log beyond the built-in ones.</param>
    public MiniCluster(PaxosConfig config, int leader, IReadOnlyList<LogServiceRegistration>? more = null)
    {
        Acceptors = config.Members.Select(m => new Acceptor(m)).ToArray();
        Replicas = config.Members.Select(m => new Replica(config, m, LogRules.Default, more: more)).ToArray();
        Leader = new Proposer(config, leader, new Random(1));
    }

    public Acceptor[] Acceptors { get; }
    public Replica[] Replicas { get; }
    public Proposer Leader { get; }

    /// <summary>Replicas cut off: messages to them are dropped.</summary>
    public HashSet<int> Cut { get; } = new();

    /// <summary>Every message handled, in order.</summary>
    public List<Outbound> Handled { get; } = new();

    public IEnumerable<Decision> DecisionsBy(int node) => _decisions.Where(d => d.From == node).Select(d => d.Decision);

    public Effects TickLeaderUntil(ProposerRole role)
    {
        if (role == ProposerRole.Candidate) return Leader.TickUntilCandidate();
        Effects fx;
        do fx = Leader.Step(Tick.Instance); while (Leader.Role != role);
        return fx;
    }

    public void Deliver(int from, Outbound o) => _queue.Enqueue((from, o));

    public List<(int From, Outbound Out)> TakeQueued()
    {
        var all = _queue.ToList();
        _queue.Clear();
        return all;
    }

    /// <summary>Delivers queued messages that match <paramref name="deliver"/>, and those they cause, until none is left; keeps the rest queued.</summary>
    public void RunWhile(Func<Outbound, bool> deliver)
    {
        while (_queue.Any(q => deliver(q.Out)))
            foreach (var (from, o) in TakeQueued())
            {
                if (deliver(o)) Handle(o);
                else _queue.Enqueue((from, o));
            }
    }

    public void RunUntilQuiet()
    {
        while (_queue.TryDequeue(out var next)) Handle(next.Out);
    }

    public void TickAll()
    {
        Handle(new Outbound(Leader.Self, PaxosRole.Proposer, Tick.Instance));
        foreach (var r in Replicas) Handle(new Outbound(r.Self, PaxosRole.Replica, Tick.Instance));
        RunUntilQuiet();
    }

    private void Handle(Outbound o)
    {
        Effects fx;
        if (o.Role == PaxosRole.Replica && Cut.Contains(o.To)) return;
        Handled.Add(o);
        switch (o.Role)
        {
            case PaxosRole.Acceptor: fx = Acceptors[o.To].Step(o.Message); break;
            case PaxosRole.Replica: fx = Replicas[o.To].Step(o.Message); break;
            case PaxosRole.Proposer when o.To == Leader.Self: fx = Leader.Step(o.Message); break;
            default: return; // nodes without a proposer
        }
        // A snapshot is durable at once here.
        if (fx.SaveSnapshot is { } snap) _queue.Enqueue((o.To, new Outbound(o.To, PaxosRole.Replica, new SnapshotSaved(snap.AppliedThrough))));
        foreach (var m in fx.Send)
        {
            if (m.Message is Decision d) _decisions.Add((o.To, d));
            _queue.Enqueue((o.To, m));
        }
    }
}
