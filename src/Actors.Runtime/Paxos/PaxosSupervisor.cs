using Actors.Core.Log;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;

namespace Actors.Runtime.Paxos;

/// <summary>
/// <c>/user/paxos</c>: parent of the acceptor (on an acceptor node only), proposer and replica of this node, of the
/// <see cref="PeerResolver"/> and of the learner <see cref="NodeDirectory"/>. A failing child is restarted
/// (the acceptor and replica recover from their journal and snapshots, never from memory); a child that
/// stopped itself (for example after a journal failure during recovery) is created again after a back-off.
/// </summary>
public sealed class PaxosSupervisor : ReceiveActor, IWithTimers
{
    private sealed record Recreate(PaxosRole Role);

    private readonly PaxosTransport _transport;
    private readonly LogRules _rules;
    private readonly IActorRef _appliedListener;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, PaxosRole> _children = new();

    public PaxosSupervisor(PaxosTransport transport, LogRules rules, IActorRef appliedListener)
    {
        _transport = transport;
        _rules = rules;
        _appliedListener = appliedListener;

        Receive<Terminated>(t =>
        {
            if (!_children.Remove(t.ActorRef, out var role)) return;
            _log.Warning("paxos {0} stopped; creating it again in 1s", PaxosTransport.RoleName(role));
            Timers.StartSingleTimer(role, new Recreate(role), TimeSpan.FromSeconds(1));
        });
        Receive<Recreate>(r => Start(r.Role));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport, LogRules rules, IActorRef appliedListener) =>
        Akka.Actor.Props.Create(() => new PaxosSupervisor(transport, rules, appliedListener));

    protected override void PreStart()
    {
        if (!_transport.Settings.IsLearner) Start(PaxosRole.Acceptor);
        Start(PaxosRole.Replica);
        Start(PaxosRole.Proposer);
        Context.ActorOf(PeerResolver.Props(_transport), "resolver");
        Context.ActorOf(NodeDirectory.Props(_transport), "directory");
    }

    private void Start(PaxosRole role)
    {
        var props = role switch
        {
            PaxosRole.Acceptor => AcceptorActor.Props(_transport),
            PaxosRole.Replica => ReplicaActor.Props(_transport, _rules, _appliedListener),
            _ => ProposerActor.Props(_transport, _appliedListener),
        };
        var child = Context.ActorOf(props, PaxosTransport.RoleName(role));
        Context.Watch(child);
        _children[child] = role;
        _transport.RegisterLocal(role, child);
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(
        maxNrOfRetries: 20,
        withinTimeRange: TimeSpan.FromMinutes(1),
        localOnlyDecider: ex =>
        {
            _log.Error(ex, "paxos role failed; restarting it");
            return Directive.Restart;
        });
}
