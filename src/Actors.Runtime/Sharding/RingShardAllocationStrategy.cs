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
/// the same. The rules are <see cref="ShardPlacement"/>'s; this class maps regions to their nodes' addresses.
/// </summary>
public sealed class RingShardAllocationStrategy : IActorSystemDependentAllocationStrategy
{
    private readonly int _rebalanceLimit;
    private Func<RingState?> _ring = () => null;
    private Func<string?> _unsettled = () => null;
    private Func<IActorRef, string> _addressOf = r => r.Path.Address.ToString();

    public RingShardAllocationStrategy(int rebalanceLimit) => _rebalanceLimit = rebalanceLimit;

    /// <summary>For tests: the ring, why rebalancing should wait (null: it need not) and the node address of a region.</summary>
    internal RingShardAllocationStrategy(int rebalanceLimit, Func<RingState?> ring, Func<string?> unsettled, Func<IActorRef, string> addressOf)
    {
        _rebalanceLimit = rebalanceLimit;
        _ring = ring;
        _unsettled = unsettled;
        _addressOf = addressOf;
    }

    public void Start(ActorSystem system)
    {
        var local = LocalRing.For(system);
        var cluster = Cluster.Get(system);
        var self = cluster.SelfAddress;
        _ring = () => local.Current;
        _unsettled = () => Unsettled(cluster.State);
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

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var byAddress = ByAddress(currentShardAllocations.Keys);
        var chosen = ShardPlacement.Allocate(_ring(), shardId, byAddress.Keys.ToHashSet(), AddressOf(requester));
        return Task.FromResult(byAddress.TryGetValue(chosen, out var region) ? region : requester);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress)
    {
        if (_unsettled() is not null) return Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
        var allocations = currentShardAllocations.ToDictionary(p => AddressOf(p.Key), p => (IReadOnlyList<string>)p.Value);
        var moves = ShardPlacement.Rebalance(_ring(), allocations, rebalanceInProgress.ToHashSet(), _rebalanceLimit);
        return Task.FromResult<IImmutableSet<string>>(moves.ToImmutableHashSet());
    }

    private Dictionary<string, IActorRef> ByAddress(IEnumerable<IActorRef> regions)
    {
        var map = new Dictionary<string, IActorRef>();
        foreach (var r in regions) map[AddressOf(r)] = r;
        return map;
    }

    private string AddressOf(IActorRef region) => _addressOf(region);
}
