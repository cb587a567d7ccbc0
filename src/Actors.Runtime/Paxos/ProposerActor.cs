using System.Collections.Immutable;
using Actors.Core.Kv;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Actors.Core.Log;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Shell around <see cref="Proposer"/>: turns its timer into <see cref="Tick"/> inputs and sends what the core
/// says to send. Everything but the highest round it campaigned with is soft: after a restart it follows the next
/// heartbeat or campaigns again. That round is journaled (<see cref="RoundReserved"/>) before the prepares of a
/// campaign leave and read back on start, so no incarnation of this node reuses a ballot. A learner only follows.
/// Messages pass a <see cref="PaxosGuard"/> before they reach the core; the learner directory arrives as
/// <see cref="LearnersChanged"/> and is read afresh on every start.
/// </summary>
public sealed class ProposerActor : UntypedPersistentActor, IWithTimers
{
    private readonly PaxosTransport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly PaxosGuard _guard;
    private readonly IActorRef _refusedListener;
    /// <summary>Client commands forwarded to another node, collected into as few submits as fit (see <see cref="Dispatch"/>).</summary>
    private readonly SubmitBatcher _forward;
    private Proposer _core = null!;
    private long _recoveredRound;
    private int? _lastLeader;

    /// <summary>Sends the commands collected for forwarding (see <see cref="Dispatch"/>).</summary>
    private sealed record FlushForward
    {
        public static readonly FlushForward Instance = new();
    }

    public ProposerActor(PaxosTransport transport, IActorRef? refusedListener = null)
    {
        _transport = transport;
        _refusedListener = refusedListener ?? ActorRefs.Nobody;
        _forward = new SubmitBatcher(transport.Settings.Core.MaxBatchBytes);
        PersistenceId = $"paxos-proposer-{transport.Settings.Self}";
        _guard = new PaxosGuard(transport, _log, "proposer");
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="transport">The node's Paxos transport.</param>
    /// <param name="refusedListener">Told <see cref="CommandsRefused"/> for commands submitted on this node that did not fit the queue.</param>
    public static Props Props(PaxosTransport transport, IActorRef? refusedListener = null) =>
        Akka.Actor.Props.Create(() => new ProposerActor(transport, refusedListener));

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", _transport.Local(Tick.Instance), _transport.Settings.TickInterval);
    }

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case RoundReserved r:
                _recoveredRound = Math.Max(_recoveredRound, r.Round);
                break;
            case RecoveryCompleted:
                _core = new Proposer(_transport.Settings.Core, _transport.Settings.Self, new Random(), _recoveredRound,
                    () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                if (_recoveredRound > 0) _log.Info("proposer {0} recovered: campaigns above round {1}", _core.Self, _recoveredRound);
                _core.Step(new LearnersChanged(_transport.Learners.Keys.ToImmutableArray()));
                if (_core.IsLearner)
                    _log.Info("paxos: node {0} is a learner of acceptors 1 to {1}", _core.Self, _transport.Settings.Members.Length);
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case FlushForward:
                foreach (var o in _forward.Flush()) _transport.Send(o);
                break;
            case RoundReserved:
                // Only this actor's own journal holds these; one from anywhere else is ignored.
                break;
            case LocalDelivery or IPaxosMessage:
                if (_guard.Admit(message, Sender) is { } m) Step(m);
                break;
            case GetProposerStatus:
                Sender.Tell(new ProposerStatus(_core.Self, _core.Role, _core.Leader, _core.Ballot, _core.FirstUnchosen,
                    _core.InFlightCount, _core.PendingCount, _core.Window));
                break;
            case SaveSnapshotSuccess or SaveSnapshotFailure or DeleteMessagesSuccess:
                break;
            case DeleteMessagesFailure f:
                _log.Warning(f.Cause, "proposer journal truncation failed; older rounds stay in the journal");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Step(IPaxosMessage m)
    {
        var fx = _core.Step(m);
        foreach (var e in fx.Errors) _log.Error(e);
        if (fx.Refused.Count > 0)
        {
            var max = _transport.Settings.Core.MaxPending;
            _log.Warning("paxos: {0} commands refused: the proposer holds its maximum of {1} (actors.paxos.max-pending){2}",
                fx.Refused.Count, max, _core.Role == ProposerRole.Leader ? " and cannot get them chosen" : " while no leader is known");
            var refused = new CommandResult(CommandStatus.Overloaded, null,
                $"overloaded: node {_core.Self} holds {max} commands waiting for {(_core.Role == ProposerRole.Leader ? "a majority of acceptors" : "a leader")} " +
                "(actors.paxos.max-pending); an earlier copy may still be applied: retry with the same client id and seq");
            _refusedListener.Tell(new CommandsRefused(fx.Refused.Select(c => new AppliedCommand(c, refused)).ToList()));
        }
        if (fx.PersistRound is { } round)
        {
            // The prepares leave only once the round is durable; commands arriving meanwhile wait (Persist stashes).
            Persist(new RoundReserved(round), _ =>
            {
                Dispatch(fx.Send);
                // Only the latest round matters: drop the ones before it.
                if (LastSequenceNr > 1) DeleteMessages(LastSequenceNr - 1);
            });
        }
        else
        {
            Dispatch(fx.Send);
        }
        if (_core.Leader != _lastLeader)
        {
            _lastLeader = _core.Leader;
            _transport.SetLeader(_lastLeader);
            Context.System.EventStream.Publish(new LeaderChanged(_lastLeader));
            if (_lastLeader is { } l)
                _log.Info("paxos: node {0} leads at ballot {1}{2}", l, _core.Ballot, l == _core.Self ? " (this node)" : "");
        }
    }

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
                if (_forward.Add(o.To, s.Hops, s.Commands)) Self.Tell(FlushForward.Instance);
            }
            else
            {
                _transport.Send(o);
            }
        }
    }
}
