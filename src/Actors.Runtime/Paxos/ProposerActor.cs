using System.Collections.Immutable;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Proposer"/>: turns its timer into <see cref="Tick"/> inputs and sends what the core
/// says to send. Its state is soft: after a restart it follows the next heartbeat or campaigns again (a learner
/// only follows). Messages pass a <see cref="PaxosGuard"/> before they reach the core; the learner directory
/// arrives as <see cref="LearnersChanged"/> and is read afresh on every start.
/// </summary>
public sealed class ProposerActor : UntypedActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly Proposer _core;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PaxosGuard _guard;
    private readonly Dictionary<(int To, int Hops), List<KvCommand>> _forward = new();
    private bool _flushQueued;
    private int? _lastLeader;

    /// <summary>Sends the commands collected for forwarding (see <see cref="Dispatch"/>).</summary>
    private sealed record FlushForward
    {
        public static readonly FlushForward Instance = new();
    }

    public ProposerActor(PaxosTransport transport)
    {
        _transport = transport;
        _core = new Proposer(transport.Settings.Core, transport.Settings.Self, new Random());
        _guard = new PaxosGuard(transport, _log, "proposer");
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// Sends the core's messages, except client commands forwarded to another node: those are collected and
    /// sent in one message after every message already in the mailbox is handled, so a burst of client
    /// requests crosses the network once instead of once per command.
    /// </summary>
    private void Dispatch(List<Outbound> send)
    {
        foreach (var o in send)
        {
            if (o.Message is Submit s && o.To != _core.Self)
            {
                if (!_forward.TryGetValue((o.To, s.Hops), out var list)) _forward[(o.To, s.Hops)] = list = new();
                list.AddRange(s.Commands);
                if (!_flushQueued)
                {
                    _flushQueued = true;
                    Self.Tell(FlushForward.Instance);
                }
            }
            else
            {
                _transport.Send(o);
            }
        }
    }

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new ProposerActor(transport));

    protected override void PreStart()
    {
        _core.Step(new LearnersChanged(_transport.Learners.Keys.ToImmutableArray()));
        Timers.StartPeriodicTimer("tick", _transport.Local(Tick.Instance), _transport.Settings.TickInterval);
        if (_core.IsLearner)
            _log.Info("paxos: node {0} is a learner of acceptors 1 to {1}", _core.Self, _transport.Settings.Members.Length);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FlushForward:
                _flushQueued = false;
                foreach (var ((to, hops), commands) in _forward)
                    _transport.Send(new Outbound(to, PaxosRole.Proposer, new Submit(commands.ToImmutableArray(), hops)));
                _forward.Clear();
                break;
            case LocalDelivery or IPaxosMessage:
                if (_guard.Admit(message, Sender) is not { } m) break;
                var fx = _core.Step(m);
                Dispatch(fx.Send);
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
