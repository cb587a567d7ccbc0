using System.Globalization;
using Actors.Core.Ring;
using Akka.Configuration;

namespace Actors.Runtime.Ring;

/// <summary>
/// Settings of this node's place on the ring, read from <c>actors.ring</c>. The node tells the cluster through its
/// Akka.Cluster roles (<see cref="Roles"/>), which is how the Paxos leader learns whether and with which weight to
/// propose its join.
/// </summary>
public sealed class RingSettings
{
    /// <summary>The role of a node that takes a share of the ring.</summary>
    public const string MemberRole = "ring-member";

    /// <summary>Prefix of the role that carries a ring member's weight when it is not 1 ("ring-weight-2.5").</summary>
    public const string WeightRolePrefix = "ring-weight-";

    private RingSettings(bool member, double weight, int virtualNodes)
    {
        Member = member;
        Weight = weight;
        VirtualNodesPerWeight = virtualNodes;
    }

    /// <summary>True when this node takes a share of the ring once Up.</summary>
    public bool Member { get; }

    /// <summary>The weight this node joins with.</summary>
    public double Weight { get; }

    /// <summary>Virtual nodes per unit of weight (equal on every node).</summary>
    public int VirtualNodesPerWeight { get; }

    /// <summary>The cluster roles this node adds: none when it is not a member.</summary>
    public IEnumerable<string> Roles => Member
        ? Weight == 1 ? [MemberRole] : [MemberRole, WeightRolePrefix + Weight.ToString("R", CultureInfo.InvariantCulture)]
        : [];

    /// <summary>The weight a member's roles give it: the weight role's value, 1 without one, null when it is not a ring member.</summary>
    public static double? WeightOf(IEnumerable<string> roles)
    {
        var list = roles.ToList();
        if (!list.Contains(MemberRole)) return null;
        foreach (var r in list)
            if (r.StartsWith(WeightRolePrefix, StringComparison.Ordinal)
                && double.TryParse(r.AsSpan(WeightRolePrefix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                && RingStateMachine.ValidWeight(w))
                return w;
        return 1;
    }

    /// <summary>Reads and validates <c>actors.ring</c>; <paramref name="config"/> is the whole system configuration.</summary>
    public static RingSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        var weight = c.GetDouble("actors.ring.weight", 1.0);
        if (!RingStateMachine.ValidWeight(weight))
            throw new ConfigurationException($"actors.ring.weight must be above 0 and at most {RingStateMachine.MaxWeight} (got {weight.ToString(CultureInfo.InvariantCulture)})");
        return new RingSettings(c.GetBoolean("actors.ring.member", true), weight,
            ActorsConfig.Int(c, "actors.ring.virtual-nodes-per-weight", 1, 100_000));
    }
}
