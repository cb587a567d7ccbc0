namespace Actors.Core.Ring;

/// <summary>
/// What a leading node proposes to keep the ring matched to the cluster, and when: the plan of <see cref="RingReconciler"/>
/// with a member absent from the cluster's view taken as gone only after <c>absentGraceTicks</c> whole ticks (or at once
/// once seen removed), and an operation proposed once until <c>proposeAgainTicks</c> whole ticks pass without the ring
/// showing it (ring operations are idempotent, so a late duplicate does no harm). Pure and driven by ticks (the actor's
/// retry timer), so the policy is tested without clocks. A node that stops leading forgets what it proposed and who was
/// absent: the next leader starts its own grace.
/// </summary>
public sealed class RingProposals(long absentGraceTicks, long proposeAgainTicks)
{
    private readonly Dictionary<RingOp, long> _proposed = new();
    private readonly Dictionary<int, long> _absentSince = new();
    private readonly HashSet<int> _removed = new();
    private long _now;

    /// <summary>One tick of time.</summary>
    public void Tick() => _now++;

    /// <summary><paramref name="node"/> was seen removed from the cluster: it may leave the ring at once.</summary>
    public void Removed(int node) => _removed.Add(node);

    /// <summary>This node does not lead (or is not Up): nothing it proposed or timed is kept.</summary>
    public void NotLeading()
    {
        _proposed.Clear();
        _absentSince.Clear();
    }

    /// <summary>
    /// The operations to propose now for <paramref name="ring"/> given the cluster's <paramref name="nodes"/>, each only
    /// once until it is due again.
    /// </summary>
    public IReadOnlyList<RingOp> Plan(RingState ring, IReadOnlyCollection<ClusterNode> nodes)
    {
        foreach (var stale in _proposed.Where(p => _now - p.Value >= proposeAgainTicks).Select(p => p.Key).ToList()) _proposed.Remove(stale);
        var present = nodes.Select(n => n.Node).ToHashSet();
        _removed.ExceptWith(present);
        foreach (var id in present) _absentSince.Remove(id);
        var gone = new HashSet<int>(_removed);
        foreach (var member in ring.Members.Where(m => !present.Contains(m.Node)))
        {
            if (!_absentSince.TryGetValue(member.Node, out var since)) _absentSince[member.Node] = since = _now;
            if (_now - since >= absentGraceTicks) gone.Add(member.Node);
        }
        var plan = new List<RingOp>();
        foreach (var op in RingReconciler.Plan(ring, nodes, gone))
            if (_proposed.TryAdd(op, _now)) plan.Add(op);
        return plan;
    }
}
