using Actors.Core.Paxos;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Resolves the Paxos roles of every other member to actor references for <see cref="PaxosTransport"/>,
/// watches them, and resolves again (every few seconds until it succeeds) when one dies or its node goes away.
/// </summary>
public sealed class PeerResolver : ReceiveActor, IWithTimers
{
    private sealed record Resolve
    {
        public static readonly Resolve Instance = new();
    }

    private readonly PaxosTransport _transport;
    private readonly Dictionary<IActorRef, (int Node, PaxosRole Role)> _watched = new();

    public PeerResolver(PaxosTransport transport)
    {
        _transport = transport;
        Receive<Resolve>(_ => IdentifyMissing());
        Receive<ActorIdentity>(OnIdentity);
        Receive<Terminated>(t =>
        {
            if (!_watched.Remove(t.ActorRef, out var key)) return;
            _transport.Unresolved(key.Node, key.Role);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new PeerResolver(transport));

    protected override void PreStart()
    {
        IdentifyMissing();
        Timers.StartPeriodicTimer("resolve", Resolve.Instance, TimeSpan.FromSeconds(2));
    }

    private void IdentifyMissing()
    {
        foreach (var node in _transport.Settings.Ids)
        {
            if (node == _transport.Settings.Self) continue;
            foreach (var role in new[] { PaxosRole.Acceptor, PaxosRole.Proposer, PaxosRole.Replica })
                if (!_watched.ContainsValue((node, role)))
                    _transport.Selection(node, role).Tell(new Identify($"{node}/{(int)role}"), Self);
        }
    }

    private void OnIdentity(ActorIdentity identity)
    {
        // The id travels over the wire, so it is a plain string: "node/role".
        if (identity.MessageId is not string id || identity.Subject is not { } actor) return;
        var parts = id.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var node) || !int.TryParse(parts[1], out var role)) return;
        var key = (node, (PaxosRole)role);
        if (_watched.ContainsValue(key)) return;
        _watched[actor] = key;
        Context.Watch(actor);
        _transport.Resolved(key.Item1, key.Item2, actor);
    }
}
