using System.Collections.Immutable;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Ring;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Actors.Runtime.Ring;

/// <summary>
/// <c>/user/ring</c> on every node: holds the ring as this node's replica has applied it (from <see cref="RingChanged"/>)
/// and answers <see cref="GetRing"/>. While this node leads, it keeps the ring matched to the cluster: it proposes,
/// through the log, a join for every Up member that asks for a share of the ring (its <see cref="RingSettings.Roles"/>)
/// and a leave for every member it saw removed from the cluster, or that has been absent from its view for
/// <see cref="AbsentGrace"/> (<see cref="RingProposals"/>, in ticks of its retry timer). It plans nothing until it is Up
/// itself. Ring operations are idempotent, so a deposed leader's late proposal does no harm; one not reflected in the ring
/// after a while is proposed again.
/// </summary>
public sealed class RingActor : ReceiveActor, IWithTimers
{
    /// <summary>The retry timer's interval: one tick of <see cref="RingProposals"/>.</summary>
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    /// <summary>An operation not reflected in the ring after this long is proposed again.</summary>
    private static readonly TimeSpan ProposeAgainAfter = TimeSpan.FromSeconds(3);

    /// <summary>A ring member absent from this node's view of the cluster this long (while this node leads) leaves the ring.</summary>
    public static readonly TimeSpan AbsentGrace = TimeSpan.FromSeconds(30);

    private readonly RingProposals _proposals = new((long)(AbsentGrace / RetryEvery), (long)(ProposeAgainAfter / RetryEvery));

    private readonly PaxosTransport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private readonly string _clientPrefix = ReplicatedState.EphemeralPrefix + "ring-" + Guid.NewGuid().ToString("N")[..8];
    private RingState? _ring;
    private long _seq;

    private sealed record Retry
    {
        public static readonly Retry Instance = new();
    }

    public RingActor(PaxosTransport transport)
    {
        _transport = transport;
        Receive<RingChanged>(c =>
        {
            if (_ring is not null && c.Ring.Version < _ring.Version) return;
            if (_ring is null || c.Ring.Version != _ring.Version)
                _log.Info("ring: version {0}, members {1}", c.Ring.Version, Describe(c.Ring));
            _ring = c.Ring;
            LocalRing.For(Context.System).Offer(c.Ring);
            Reconcile();
        });
        Receive<LeaderChanged>(_ => Reconcile());
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _members.Clear();
            foreach (var m in state.Members) _members[m.UniqueAddress] = m;
            Reconcile();
        });
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _members.Remove(e.Member.UniqueAddress);
            // A node of another log that claimed an id of this one leaves nothing to remove from this log's ring.
            if (_transport.Settings.OtherLog(e.Member.Roles) is null && IdOf(e.Member) is { } id) _proposals.Removed(id);
            Reconcile();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member;
            Reconcile();
        });
        Receive<GetRing>(_ =>
        {
            if (_ring is null) Sender.Tell(new Status.Failure(new InvalidOperationException("the ring is not known yet (the replica is recovering)")));
            else Sender.Tell(_ring);
        });
        Receive<Retry>(_ =>
        {
            _proposals.Tick();
            if (_ring is null) AskReplica();
            Reconcile();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new RingActor(transport));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(RingChanged));
        Context.System.EventStream.Subscribe(Self, typeof(LeaderChanged));
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        AskReplica();
        Timers.StartPeriodicTimer("retry", Retry.Instance, RetryEvery);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        Cluster.Get(Context.System).Unsubscribe(Self);
    }

    /// <summary>The replica sends the ring it holds (it stashes the question while it recovers).</summary>
    private void AskReplica() => Context.ActorSelection("/user/paxos/replica").Tell(GetRing.Instance);

    private void Reconcile()
    {
        if (_ring is null) return;
        var self = Cluster.Get(Context.System).SelfUniqueAddress;
        if (_transport.Leader != _transport.Settings.Self || !_members.TryGetValue(self, out var me) || me.Status != MemberStatus.Up)
        {
            _proposals.NotLeading();
            return;
        }
        var commands = ImmutableArray.CreateBuilder<LogCommand>();
        foreach (var op in _proposals.Plan(_ring, ClusterNodes().ToList()))
        {
            commands.Add(LogCommand.Of(_clientPrefix, ++_seq, op));
            _log.Info("ring: proposing {0}", op);
        }
        if (commands.Count > 0)
            _transport.Send(new Outbound(_transport.Settings.Self, PaxosRole.Proposer, new Submit(commands.ToImmutable(), 0)));
    }

    /// <summary>The cluster's members that name a node id, as the ring sees them.</summary>
    private IEnumerable<ClusterNode> ClusterNodes()
    {
        foreach (var m in _members.Values)
        {
            if (m.Status is MemberStatus.Removed) continue;
            // A node of another log may claim an id of this one (its own list numbers it 1): it never takes a share here.
            if (_transport.Settings.OtherLog(m.Roles) is not null || IdOf(m) is not { } id) continue;
            yield return new ClusterNode(id, m.Address.ToString(), m.Status == MemberStatus.Up, RingSettings.WeightOf(m.Roles));
        }
    }

    private static int? IdOf(Member m) => m.Roles.Select(PaxosSettings.IdOfRole).FirstOrDefault(i => i is not null);

    private static string Describe(RingState ring) =>
        ring.Members.IsEmpty ? "none" : string.Join(", ", ring.Members.Select(m => $"{m.Node}{(m.Owns ? "" : " (draining)")}"));
}
