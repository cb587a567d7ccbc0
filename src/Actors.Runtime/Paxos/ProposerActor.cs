using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Proposer"/>: turns its timer into <see cref="Tick"/> inputs and sends what the core
/// says to send. Its state is soft: after a restart it follows the next heartbeat or campaigns again.
/// </summary>
public sealed class ProposerActor : UntypedActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly Proposer _core;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int? _lastLeader;

    public ProposerActor(PaxosTransport transport)
    {
        _transport = transport;
        _core = new Proposer(transport.Settings.Core, transport.Settings.Self, new Random());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new ProposerActor(transport));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("tick", Tick.Instance, _transport.Settings.TickInterval);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case IPaxosMessage m:
                var fx = _core.Step(m);
                _transport.Send(fx.Send);
                if (_core.Leader != _lastLeader)
                {
                    _lastLeader = _core.Leader;
                    if (_lastLeader is { } l)
                        _log.Info("paxos: node {0} leads at ballot {1}{2}", l, _core.Ballot, l == _core.Self ? " (this node)" : "");
                }
                break;
            case GetProposerStatus:
                Sender.Tell(new ProposerStatus(_core.Self, _core.Role, _core.Leader, _core.Ballot, _core.FirstUnchosen,
                    _core.InFlightCount, _core.PendingCount));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
