using System.Collections.Concurrent;
using System.Collections.Immutable;
using Actors.Core.Paxos;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Delivers the roles' <see cref="Outbound"/> messages: to the sibling actor on this node, or over Akka.Remote
/// to <c>/user/paxos/{role}</c> on the node with that id: an acceptor at its endpoint in the member list, a
/// learner at the address <see cref="NodeDirectory"/> found for it (a message to a learner not in the directory
/// is dropped). Remote acceptor targets start as actor selections and are replaced by resolved actor references
/// once <see cref="PeerResolver"/> identifies them (cheaper per message); a reference whose actor or node dies
/// falls back to the selection until it is resolved again. Local-only messages never leave the node: they are
/// delivered wrapped in a <see cref="LocalDelivery"/> the shells check. Paxos tolerates loss, so delivery is
/// fire-and-forget.
/// </summary>
public sealed class PaxosTransport
{
    private readonly ActorSystem _system;
    private readonly PaxosSettings _settings;
    private readonly ConcurrentDictionary<(int, PaxosRole), ICanTell> _targets = new();
    private readonly ConcurrentDictionary<(int, PaxosRole), (Address Address, ICanTell Target)> _learnerTargets = new();
    private readonly PaxosFaults _faults;
    private readonly object _localKey = new();
    private volatile ImmutableSortedDictionary<int, Address> _learners = ImmutableSortedDictionary<int, Address>.Empty;
    private volatile string? _leaderAddress;
    private int _leader;

    public PaxosTransport(ActorSystem system, PaxosSettings settings)
    {
        _system = system;
        _settings = settings;
        _faults = PaxosFaults.For(system);
    }

    public PaxosSettings Settings => _settings;

    /// <summary>The learners the directory knows of (this node included when it is one), by id.</summary>
    public IReadOnlyDictionary<int, Address> Learners => _learners;

    /// <summary>The leader this node's proposer follows (itself when leading), or null while it knows none.</summary>
    public int? Leader => Volatile.Read(ref _leader) is var l and > 0 ? l : null;

    /// <summary>The Akka address of <see cref="Leader"/>, which clients are pointed to, or null.</summary>
    public string? LeaderAddress => _leaderAddress;

    /// <summary>Set by this node's proposer whenever the leader it follows changes; read by the services that answer clients.</summary>
    internal void SetLeader(int? leader)
    {
        _leaderAddress = leader is { } l && _settings.IsMember(l) ? _settings.AddressOf(l) : null;
        Volatile.Write(ref _leader, leader ?? 0);
    }

    /// <summary>True for an acceptor id, this node's id and the id of a learner in the directory.</summary>
    public bool IsKnown(int node) => node == _settings.Self || _settings.IsMember(node) || _learners.ContainsKey(node);

    /// <summary>Registers the live actor of a local role, so local messages skip selection lookups.</summary>
    public void RegisterLocal(PaxosRole role, IActorRef actor) => _targets[(_settings.Self, role)] = actor;

    public static string RoleName(PaxosRole role) => role switch
    {
        PaxosRole.Acceptor => "acceptor",
        PaxosRole.Proposer => "proposer",
        _ => "replica",
    };

    /// <summary>Wraps a local-only message for a role of this node.</summary>
    public LocalDelivery Local(ILocalPaxosMessage message) => new(message, _localKey);

    /// <summary>True when <paramref name="delivery"/> was made by this transport, so it never crossed the network.</summary>
    public bool IsFromThisNode(LocalDelivery delivery) => ReferenceEquals(delivery.Key, _localKey);

    public void Send(Outbound o)
    {
        var self = o.To == _settings.Self;
        // A learner runs no acceptor: its replica's Compact after a snapshot has nothing to compact.
        if (self && o.Role == PaxosRole.Acceptor && _settings.IsLearner) return;
        if (o.Message is ILocalPaxosMessage local)
        {
            // Local-only messages never leave the node (the serializer would refuse them too).
            if (self) Target(o.To, o.Role)?.Tell(Local(local), ActorRefs.NoSender);
            return;
        }
        // Injected faults (actors.faults) apply to remote traffic only; null means the message is dropped.
        var delay = self ? TimeSpan.Zero : _faults.Decide(o.To, o.Message);
        if (delay is not { } d) return;
        if (Target(o.To, o.Role) is not { } target) return;
        if (d > TimeSpan.Zero)
            _system.Scheduler.Advanced.ScheduleOnce(d, () => target.Tell(o.Message, ActorRefs.NoSender));
        else
            target.Tell(o.Message, ActorRefs.NoSender);
    }

    public void Send(IEnumerable<Outbound> outbound)
    {
        foreach (var o in outbound) Send(o);
    }

    /// <summary>The selection of a role on this node or on an acceptor; always valid, slower than a resolved reference.</summary>
    public ActorSelection Selection(int node, PaxosRole role) => _system.ActorSelection(node == _settings.Self
        ? $"/user/paxos/{RoleName(role)}"
        : $"{_settings.AddressOf(node)}/user/paxos/{RoleName(role)}");

    /// <summary>Uses <paramref name="actor"/> for a remote role from now on.</summary>
    internal void Resolved(int node, PaxosRole role, IActorRef actor) => _targets[(node, role)] = actor;

    /// <summary>Goes back to the selection for a remote role whose resolved actor died.</summary>
    internal void Unresolved(int node, PaxosRole role) => _targets[(node, role)] = Selection(node, role);

    /// <summary>Replaces the learner directory (see <see cref="NodeDirectory"/>).</summary>
    internal void SetLearners(ImmutableSortedDictionary<int, Address> learners) => _learners = learners;

    private ICanTell? Target(int node, PaxosRole role)
    {
        if (node == _settings.Self || _settings.IsMember(node))
            return _targets.GetOrAdd((node, role), key => Selection(key.Item1, key.Item2));
        if (!_learners.TryGetValue(node, out var address)) return null;
        // A learner that came back at another address gets a fresh selection.
        if (_learnerTargets.TryGetValue((node, role), out var cached) && cached.Address == address) return cached.Target;
        var selection = _system.ActorSelection($"{address}/user/paxos/{RoleName(role)}");
        _learnerTargets[(node, role)] = (address, selection);
        return selection;
    }
}
