using System.Collections.Concurrent;
using Actors.Core.Paxos;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Delivers the roles' <see cref="Outbound"/> messages: to the sibling actor on this node, or over Akka.Remote
/// to <c>/user/paxos/{role}</c> on the member with that node id. Paxos tolerates loss, so delivery is
/// fire-and-forget.
/// </summary>
public sealed class PaxosTransport
{
    private readonly ActorSystem _system;
    private readonly PaxosSettings _settings;
    private readonly ConcurrentDictionary<(int, PaxosRole), ICanTell> _targets = new();

    public PaxosTransport(ActorSystem system, PaxosSettings settings)
    {
        _system = system;
        _settings = settings;
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

    public void Send(Outbound o) => Target(o.To, o.Role).Tell(o.Message, ActorRefs.NoSender);

    public void Send(IEnumerable<Outbound> outbound)
    {
        foreach (var o in outbound) Send(o);
    }

    private ICanTell Target(int node, PaxosRole role) => _targets.GetOrAdd((node, role), key =>
    {
        var path = key.Item1 == _settings.Self
            ? $"/user/paxos/{RoleName(key.Item2)}"
            : $"{_settings.AddressOf(key.Item1)}/user/paxos/{RoleName(key.Item2)}";
        return _system.ActorSelection(path);
    });
}
