using System.Collections.Immutable;
using Actors.Core.Ring;
using Actors.Runtime.Ring;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Actors.Runtime.Sharding;

/// <summary>
/// Places shards on the ring as this node's replica has applied it (<see cref="LocalRing"/>): a shard goes to the region
/// on its ring owner's node, or along the ring to the next member whose region is registered; a rebalance round moves
/// the shards whose owner changed (at most the rebalance limit), and none while a cluster member is unreachable or still
/// joining. Since every node applies the same ring at the same slot, a coordinator that moves to another node decides
/// the same. Only regions on members that are Up and reachable count: a shard is never allocated to, nor handed off
/// from, a region whose node is down, leaving or being removed (the coordinator still lists such a region until its
/// termination is processed; a handoff from it would wait for the handoff timeout), and an owner that is not Up is
/// treated as absent. Two regions at one address (a node restarted on the address of its old incarnation, whose region
/// the coordinator has not dropped yet) are told apart from no other: the requester is taken where it is one of them,
/// and neither moves shards until one is gone. The rules are <see cref="ShardPlacement"/>'s; this class maps regions to
/// their nodes' addresses.
/// </summary>
public sealed class RingShardAllocationStrategy : IActorSystemDependentAllocationStrategy
{
    private readonly int _rebalanceLimit;
    private Func<RingState?> _ring = () => null;
    private Func<string?> _unsettled = () => null;
    private Func<IActorRef, string> _addressOf = r => r.Path.Address.ToString();
    private Func<IReadOnlySet<string>?> _serving = () => null;

    public RingShardAllocationStrategy(int rebalanceLimit) => _rebalanceLimit = rebalanceLimit;

    /// <summary>
    /// For tests: the ring, why rebalancing should wait (null: it need not), the node address of a region and the
    /// addresses of the members that are Up and reachable (null: every region's).
    /// </summary>
    internal RingShardAllocationStrategy(int rebalanceLimit, Func<RingState?> ring, Func<string?> unsettled, Func<IActorRef, string> addressOf,
        Func<IReadOnlySet<string>?>? serving = null)
    {
        _rebalanceLimit = rebalanceLimit;
        _ring = ring;
        _unsettled = unsettled;
        _addressOf = addressOf;
        _serving = serving ?? (() => null);
    }

    public void Start(ActorSystem system)
    {
        var local = LocalRing.For(system);
        var cluster = Cluster.Get(system);
        var self = cluster.SelfAddress;
        _ring = () => local.Current;
        // A handoff asks every region the coordinator lists, and a region of a member removed moments ago (its
        // termination is processed only after the removal margin) never answers: the handoff would wait for the handoff
        // timeout. So nothing moves until the membership has been still for the margin and two seconds more.
        var settle = cluster.DowningProvider.DownRemovalMargin + TimeSpan.FromSeconds(2);
        var lastChange = System.Diagnostics.Stopwatch.GetTimestamp();
        system.ActorOf(Props.Create(() => new MembershipClock(() => Interlocked.Exchange(ref lastChange, System.Diagnostics.Stopwatch.GetTimestamp()))));
        _unsettled = () => Unsettled(cluster.State) ?? (System.Diagnostics.Stopwatch.GetElapsedTime(Interlocked.Read(ref lastChange)) < settle
            ? $"the membership changed less than {settle.TotalSeconds:0.#} s ago"
            : null);
        _serving = () => Serving(cluster.State);
        // A local region's path has no host: it is on this node.
        _addressOf = r => (r.Path.Address.HasLocalScope ? self : r.Path.Address).ToString();
    }

    /// <summary>Why the cluster is not settled enough to move shards (a member unreachable or joining), or null.</summary>
    public static string? Unsettled(ClusterEvent.CurrentClusterState state)
    {
        if (!state.Unreachable.IsEmpty) return $"{state.Unreachable.Count} member(s) unreachable";
        var joining = state.Members.FirstOrDefault(m => m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp);
        return joining is null ? null : $"{joining.Address} is {joining.Status}";
    }

    /// <summary>Addresses of the members that are Up and reachable: the only ones whose regions host or give up shards.</summary>
    public static IReadOnlySet<string> Serving(ClusterEvent.CurrentClusterState state) => state.Members
        .Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m))
        .Select(m => m.Address.ToString())
        .ToHashSet();

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var requesterAddress = AddressOf(requester);
        var byAddress = new Dictionary<string, IActorRef>();
        foreach (var (address, regions) in ServingRegions(currentShardAllocations.Keys))
            byAddress[address] = regions.Contains(requester) ? requester : regions[0];
        var chosen = ShardPlacement.Allocate(_ring(), shardId, byAddress.Keys.ToHashSet(), requesterAddress);
        return Task.FromResult(byAddress.TryGetValue(chosen, out var region) ? region : requester);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress)
    {
        if (_unsettled() is not null) return Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
        var allocations = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (address, regions) in ServingRegions(currentShardAllocations.Keys))
            if (regions.Count == 1) allocations[address] = currentShardAllocations[regions[0]];
        var moves = ShardPlacement.Rebalance(_ring(), allocations, rebalanceInProgress.ToHashSet(), _rebalanceLimit);
        return Task.FromResult<IImmutableSet<string>>(moves.ToImmutableHashSet());
    }

    /// <summary>The regions on members that are Up and reachable, by address (more than one where a node restarted).</summary>
    private Dictionary<string, List<IActorRef>> ServingRegions(IEnumerable<IActorRef> regions)
    {
        var serving = _serving();
        var map = new Dictionary<string, List<IActorRef>>();
        foreach (var r in regions)
        {
            var address = AddressOf(r);
            if (serving is not null && !serving.Contains(address)) continue;
            if (!map.TryGetValue(address, out var list)) map[address] = list = new List<IActorRef>();
            list.Add(r);
        }
        return map;
    }

    private string AddressOf(IActorRef region) => _addressOf(region);
}

/// <summary>Calls <c>changed</c> whenever a member is Up, downed or removed (and once for each member at start).</summary>
internal sealed class MembershipClock : ReceiveActor
{
    public MembershipClock(Action changed)
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberDowned));
        ReceiveAny(_ => changed());
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
}
