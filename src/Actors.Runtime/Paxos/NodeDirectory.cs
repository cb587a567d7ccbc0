using System.Collections.Immutable;
using Actors.Core.Paxos;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Actors.Runtime.Paxos;

/// <summary>
/// <c>/user/paxos/directory</c>: keeps the id -> address directory of the learners from Akka.Cluster
/// membership. Every node joins with the role <c>paxos-node-{id}</c> (<see cref="PaxosSettings.ClusterRole"/>);
/// a member (not down or removed) whose role names an id above the acceptor count is that learner. Acceptor
/// addresses come from the member list, so a member claiming an acceptor's id from another address is
/// ignored. When two members claim one learner id, the oldest wins and an error is logged. Each change is
/// handed to the transport and, as <see cref="LearnersChanged"/>, to the local proposer.
/// </summary>
public sealed class NodeDirectory : ReceiveActor
{
    private readonly PaxosTransport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _members = new();
    private ImmutableHashSet<string> _problems = ImmutableHashSet<string>.Empty;

    public NodeDirectory(PaxosTransport transport)
    {
        _transport = transport;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _members.Clear();
            foreach (var m in state.Members) _members[m.UniqueAddress] = m;
            Publish();
        });
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _members.Remove(e.Member.UniqueAddress);
            Publish();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member;
            Publish();
        });
    }

    public static Props Props(PaxosTransport transport) => Akka.Actor.Props.Create(() => new NodeDirectory(transport));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Publish()
    {
        var settings = _transport.Settings;
        var problems = ImmutableHashSet.CreateBuilder<string>();
        var claims = new Dictionary<int, List<Member>>();
        foreach (var m in _members.Values)
        {
            if (m.Status is MemberStatus.Down or MemberStatus.Removed) continue;
            if (settings.OtherLog(m.Roles) is { } log)
            {
                // A node of another log (another acceptor list or other apply rules) in the same Akka cluster: it gets no
                // client request and no shard (both are scoped to this log's role), and none of its Paxos messages is learned.
                problems.Add($"{m.Address} runs another log ({log}; this node's is {settings.LogRole}: the acceptor lists or the apply " +
                             "rules differ); it is kept out of this log, its clients and its shards");
                continue;
            }
            foreach (var role in m.Roles)
            {
                if (PaxosSettings.IdOfRole(role) is not { } id) continue;
                if (settings.IsMember(id))
                {
                    if (!Endpoint(m.Address).Equals(settings.EndpointOf(id), StringComparison.Ordinal))
                        problems.Add($"{m.Address} claims node id {id}, which is acceptor {id} at {settings.EndpointOf(id)}; ignored");
                    continue;
                }
                if (!claims.TryGetValue(id, out var list)) claims[id] = list = new List<Member>();
                list.Add(m);
            }
        }

        var learners = ImmutableSortedDictionary.CreateBuilder<int, Address>();
        foreach (var (id, list) in claims)
        {
            list.Sort(Member.AgeOrdering);
            learners[id] = list[0].Address;
            if (list.Count > 1)
                problems.Add($"node id {id} is claimed by {string.Join(" and ", list.Select(m => m.Address))}; using the oldest, {list[0].Address}");
        }

        var fresh = problems.ToImmutable();
        foreach (var p in fresh.Except(_problems)) _log.Error("paxos: {0}", p);
        _problems = fresh;

        var directory = learners.ToImmutable();
        var current = _transport.Learners;
        if (directory.Count == current.Count && directory.All(kv => current.TryGetValue(kv.Key, out var a) && a == kv.Value)) return;
        _transport.SetLearners(directory);
        _log.Info("paxos: learners {0}", directory.Count == 0 ? "none" : string.Join(", ", directory.Select(kv => $"{kv.Key} at {Endpoint(kv.Value)}")));
        _transport.Send(new Outbound(settings.Self, PaxosRole.Proposer, new LearnersChanged(directory.Keys.ToImmutableArray())));
    }

    /// <summary>"host:port" of an Akka address.</summary>
    public static string Endpoint(Address address) => $"{address.Host}:{address.Port}";
}
