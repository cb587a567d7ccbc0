using System.Collections.Concurrent;
using Actors.Core.Paxos;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Delivers the roles' <see cref="Outbound"/> messages: to the sibling actor on this node, or over Akka.Remote
/// to <c>/user/paxos/{role}</c> on the member with that node id. Remote targets start as actor selections and
/// are replaced by resolved actor references once <see cref="PeerResolver"/> identifies them (cheaper per
/// message); a reference whose actor or node dies falls back to the selection until it is resolved again.
/// Paxos tolerates loss, so delivery is fire-and-forget.
/// </summary>
public sealed class PaxosTransport
{
    private readonly ActorSystem _system;
    private readonly PaxosSettings _settings;
    private readonly ConcurrentDictionary<(int, PaxosRole), ICanTell> _targets = new();
    private readonly PaxosFaults _faults;

    public PaxosTransport(ActorSystem system, PaxosSettings settings)
    {
        _system = system;
        _settings = settings;
        _faults = PaxosFaults.For(system);
    }

    public PaxosSettings Settings => _settings;

    /// <summary>Registers the live actor of a local role, so local messages skip selection lookups.</summary>
    public void RegisterLocal(PaxosRole role, IActorRef actor) => _targets[(_settings.Self, role)] = actor;

    public static string RoleName(PaxosRole role) => role switch
    {
        PaxosRole.Acceptor => "acceptor",
        PaxosRole.Proposer => "proposer",
        _ => "replica",
    };

    public void Send(Outbound o)
    {
        // Injected faults (actors.faults) apply to remote traffic only; null means the message is dropped.
        var delay = o.To == _settings.Self ? TimeSpan.Zero : _faults.Decide(o.To);
        if (delay is not { } d) return;
        var target = Target(o.To, o.Role);
        if (d > TimeSpan.Zero)
            _system.Scheduler.Advanced.ScheduleOnce(d, () => target.Tell(o.Message, ActorRefs.NoSender));
        else
            target.Tell(o.Message, ActorRefs.NoSender);
    }

    public void Send(List<Outbound> outbound)
    {
        foreach (var o in outbound) Send(o);
    }

    /// <summary>The selection of a role on a node; always valid, slower than a resolved reference.</summary>
    public ActorSelection Selection(int node, PaxosRole role) => _system.ActorSelection(node == _settings.Self
        ? $"/user/paxos/{RoleName(role)}"
        : $"{_settings.AddressOf(node)}/user/paxos/{RoleName(role)}");

    /// <summary>Uses <paramref name="actor"/> for a remote role from now on.</summary>
    internal void Resolved(int node, PaxosRole role, IActorRef actor) => _targets[(node, role)] = actor;

    /// <summary>Goes back to the selection for a remote role whose resolved actor died.</summary>
    internal void Unresolved(int node, PaxosRole role) => _targets[(node, role)] = Selection(node, role);

    private ICanTell Target(int node, PaxosRole role) =>
        _targets.GetOrAdd((node, role), key => Selection(key.Item1, key.Item2));
}
