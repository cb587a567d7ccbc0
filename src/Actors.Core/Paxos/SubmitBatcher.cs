using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>
/// Client commands on their way to a proposer, collected so that a burst crosses to it in as few <see cref="Submit"/>s as
/// fit: the driver adds commands as its steps produce them, schedules one flush when <see cref="Add"/> says so (a marker
/// it sends itself, which arrives after every message already in its mailbox), and sends what <see cref="Flush"/> gives.
/// Commands for one proposer at one hop count keep their order; each submit holds at most <c>maxBatchBytes</c> of
/// commands (one larger command goes alone). Pure: no actor, no clock.
/// </summary>
public sealed class SubmitBatcher(long maxBatchBytes)
{
    private readonly Dictionary<(int To, int Hops), List<LogCommand>> _waiting = new();
    private bool _flushDue;

    /// <summary>Commands held.</summary>
    public int Count => _waiting.Values.Sum(l => l.Count);

    /// <summary>
    /// Holds <paramref name="commands"/> for node <paramref name="to"/>'s proposer at <paramref name="hops"/> forwards;
    /// true when the driver is to schedule a flush (none is due yet).
    /// </summary>
    public bool Add(int to, int hops, IEnumerable<LogCommand> commands)
    {
        if (!_waiting.TryGetValue((to, hops), out var list)) _waiting[(to, hops)] = list = new();
        list.AddRange(commands);
        if (_flushDue || list.Count == 0) return false;
        _flushDue = true;
        return true;
    }

    /// <summary>The submits to send now, in pieces of at most the batch bytes; nothing is held after.</summary>
    public IReadOnlyList<Outbound> Flush()
    {
        _flushDue = false;
        var send = new List<Outbound>();
        foreach (var ((to, hops), commands) in _waiting)
        foreach (var part in Proposer.SplitByBytes(commands, maxBatchBytes))
            send.Add(new Outbound(to, PaxosRole.Proposer, new Submit(part, hops)));
        _waiting.Clear();
        return send;
    }
}
