using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;

namespace Actors.Runtime.Paxos;

/// <summary>
/// What a role's shell lets through to its core. Local-only messages pass only inside a
/// <see cref="LocalDelivery"/> made by this node's transport; bare ones came from elsewhere and are refused.
/// A message whose sender id (<c>From</c>, <c>Leader</c>) is neither an acceptor nor a known learner is
/// dropped; so is a Prepare, Accept, Heartbeat or acceptor reply from a node that is not an acceptor, and a
/// Prepare, Accept, Heartbeat, PreVote or Decision whose ballot belongs to another node than its sender. A Prepare,
/// Heartbeat, PreVote, Decision, catch-up answer or snapshot chunk stamped with another acceptor-list fingerprint is refused. Every refusal is logged, at most once a minute
/// per reason and node; the node serves on.
/// </summary>
public sealed class PaxosGuard
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly PaxosTransport _transport;
    private readonly ILoggingAdapter _log;
    private readonly string _role;
    private readonly Dictionary<(string Reason, int Node), DateTime> _logged = new();

    /// <param name="transport">This node's transport: its settings and learner directory.</param>
    /// <param name="log">Where refusals are logged.</param>
    /// <param name="role">The shell's role, named in log lines.</param>
    public PaxosGuard(PaxosTransport transport, ILoggingAdapter log, string role)
    {
        _transport = transport;
        _log = log;
        _role = role;
    }

    /// <summary>The message to hand to the core, or null when it is refused.</summary>
    public IPaxosMessage? Admit(object message, IActorRef sender)
    {
        switch (message)
        {
            case LocalDelivery d when _transport.IsFromThisNode(d):
                return d.Message;
            case LocalDelivery d:
                Warn("local:" + d.Message.GetType().Name, 0,
                    "paxos {0}: refused {1} from {2}: it is local to a node and was not made by this node", _role, d.Message.GetType().Name, sender);
                return null;
            case ILocalPaxosMessage m:
                Warn("local:" + m.GetType().Name, 0,
                    "paxos {0}: refused {1} from {2}: it is local to a node and never accepted from the network", _role, m.GetType().Name, sender);
                return null;
            case IPaxosMessage m:
                return Check(m) ? m : null;
            default:
                return null;
        }
    }

    private bool Check(IPaxosMessage m) => m switch
    {
        Prepare p => FromAcceptor(p.From, m) && Owns(p.Ballot, p.From, m) && SameAcceptors(p.Fingerprint, p.From, m),
        Accept a => FromAcceptor(a.From, m) && Owns(a.Ballot, a.From, m),
        Heartbeat h => FromAcceptor(h.Leader, m) && Owns(h.Ballot, h.Leader, m) && SameAcceptors(h.Fingerprint, h.Leader, m),
        Promise p => FromAcceptor(p.From, m),
        Accepted a => FromAcceptor(a.From, m),
        Nack n => FromAcceptor(n.From, m),
        HeartbeatNack n => FromKnown(n.From, m),
        PreVote v => FromAcceptor(v.From, m) && Owns(v.Ballot, v.From, m) && SameAcceptors(v.Fingerprint, v.From, m),
        PreVoteReply r => FromAcceptor(r.From, m),
        CatchUpRequest r => FromKnown(r.From, m),
        SlotsCompacted c => FromAcceptor(c.From, m),
        SnapshotChunk c => FromKnown(c.From, m) && SameAcceptors(c.Fingerprint, c.From, m),
        SnapshotChunkRequest r => FromKnown(r.From, m),
        ReadIndexRequest r => FromKnown(r.From, m),
        ReadIndexGrant g => FromAcceptor(g.From, m),
        ReadProbe p => FromAcceptor(p.From, m) && Owns(p.Ballot, p.From, m),
        ReadProbeAck a => FromAcceptor(a.From, m),
        Decision d => FromAcceptor(d.From, m) && Owns(d.Ballot, d.From, m) && SameAcceptors(d.Fingerprint, d.From, m),
        CatchUpResponse r => FromKnown(r.From, m) && SameAcceptors(r.Fingerprint, r.From, m),
        // Submit names no sender: any node may forward client commands, and the log applies each (client id, seq) once.
        _ => true,
    };

    private int Acceptors => _transport.Settings.Members.Length;

    private bool FromKnown(int node, IPaxosMessage m)
    {
        if (_transport.IsKnown(node)) return true;
        Warn("id", node, "paxos {0}: dropped {1} from node {2}, which is neither an acceptor (1 to {3}) nor a known learner",
            _role, m.GetType().Name, node, Acceptors);
        return false;
    }

    private bool FromAcceptor(int node, IPaxosMessage m)
    {
        if (_transport.Settings.IsMember(node)) return true;
        if (_transport.IsKnown(node))
            Warn("learner", node, "paxos {0}: dropped {1} from node {2}: it is a learner, and only acceptors (1 to {3}) send {1}",
                _role, m.GetType().Name, node, Acceptors);
        else
            Warn("id", node, "paxos {0}: dropped {1} from node {2}, which is neither an acceptor (1 to {3}) nor a known learner",
                _role, m.GetType().Name, node, Acceptors);
        return false;
    }

    private bool Owns(Ballot ballot, int node, IPaxosMessage m)
    {
        if (ballot.Node == node) return true;
        Warn("ballot", node, "paxos {0}: dropped {1} from node {2}: its ballot {3} belongs to node {4}", _role, m.GetType().Name, node, ballot, ballot.Node);
        return false;
    }

    private bool SameAcceptors(ulong fingerprint, int node, IPaxosMessage m)
    {
        var mine = _transport.Settings.Fingerprint;
        if (fingerprint == mine) return true;
        Warn("acceptors", node,
            "paxos {0}: node {1}'s acceptor list differs from this node's: its {2} is refused (its fingerprint {3}, this node's {4} " +
            "for actors.paxos.members [{5}] and {6}); every node must list the same members in the same order and apply commands " +
            "with the same rules (actors.kv.max-key-bytes, max-value-bytes, session-ttl, actors.ring.virtual-nodes-per-weight)",
            _role, node, m.GetType().Name, fingerprint.ToString("x16"), mine.ToString("x16"), string.Join(", ", _transport.Settings.Members), _transport.Settings.Rules);
        return false;
    }

    private void Warn(string reason, int node, string format, params object[] args)
    {
        var now = DateTime.UtcNow;
        if (_logged.TryGetValue((reason, node), out var last) && now - last < LogEvery) return;
        // Ids come from the network: forget the ones not logged within the last minute before the table grows large.
        if (_logged.Count >= 1024)
            foreach (var stale in _logged.Where(kv => now - kv.Value >= LogEvery).Select(kv => kv.Key).ToList()) _logged.Remove(stale);
        _logged[(reason, node)] = now;
        _log.Warning(format, args);
    }
}
