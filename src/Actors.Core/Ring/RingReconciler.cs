namespace Actors.Core.Ring;

/// <summary>A cluster member as the ring sees it: its node id, address, whether it is Up, and the weight it asks the ring for (null: it takes no share).</summary>
public sealed record ClusterNode(int Node, string Address, bool Up, double? RingWeight);

/// <summary>
/// What the leader proposes so that the ring matches the cluster: a join for every Up member that asks for a share and
/// is not on the ring (or is there with another address), and a leave for every ring member that is Up but no longer
/// asks for a share, or that is not in the cluster and is gone: seen removed, or absent longer than a
/// grace period. A member merely absent from the leader's view keeps its place, since a leader that just started (after
/// a restart of the whole cluster, say) has not seen the others join yet, and taking them off the ring would move every
/// shard twice. Members that are joining, leaving or unreachable but still in the cluster keep their place until they
/// are removed. Pure: the same inputs give the same plan on every node.
/// </summary>
public static class RingReconciler
{
    /// <summary>The plan for <paramref name="ring"/> given <paramref name="cluster"/>; <paramref name="gone"/> are the node ids that may leave when absent from it.</summary>
    public static IReadOnlyList<RingOp> Plan(RingState ring, IEnumerable<ClusterNode> cluster, IReadOnlySet<int> gone)
    {
        var nodes = cluster.GroupBy(c => c.Node).ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Up).First());
        var plan = new List<RingOp>();
        foreach (var node in nodes.Values.OrderBy(n => n.Node))
        {
            if (!node.Up || node.RingWeight is not { } weight) continue;
            var member = ring.Member(node.Node);
            if (member is null || member.Address != node.Address) plan.Add(new RingJoin(node.Node, node.Address, weight));
        }
        foreach (var member in ring.Members)
        {
            if (nodes.TryGetValue(member.Node, out var node) ? node.Up && node.RingWeight is null : gone.Contains(member.Node))
                plan.Add(new RingLeave(member.Node));
        }
        return plan;
    }
}
