namespace Actors.Core.Ring;

/// <summary>A cluster member as the ring sees it: its node id, address, whether it is Up, and the weight it asks the ring for (null: it takes no share).</summary>
public sealed record ClusterNode(int Node, string Address, bool Up, double? RingWeight);

/// <summary>
/// What the leader proposes so that the ring matches the cluster: a join for every Up member that asks for a share and
/// is not on the ring (or is there with another address), and a leave for every ring member that is no longer in the
/// cluster or no longer asks for a share. Members that are joining, leaving or unreachable but still in the cluster keep
/// their place until they are removed. Pure: the same ring and cluster give the same plan on every node.
/// </summary>
public static class RingReconciler
{
    public static IReadOnlyList<RingOp> Plan(RingState ring, IEnumerable<ClusterNode> cluster)
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
            if (!nodes.TryGetValue(member.Node, out var node) || (node.Up && node.RingWeight is null))
                plan.Add(new RingLeave(member.Node));
        }
        return plan;
    }
}
