using System.Collections.Immutable;

namespace Actors.Core.Ring;

/// <summary>
/// The ring as the log has agreed it: its members and <see cref="Version"/>, the slot of the last change (-1: never
/// changed). Immutable: every change makes a new state, so a reader holds a consistent ring for as long as it likes, and
/// every replica has the same ring after the same slot.
/// </summary>
public sealed class RingState
{
    private HashRing? _ring;

    public RingState(long version, ImmutableArray<RingMember> members, int virtualNodesPerWeight)
    {
        Version = version;
        Members = members.IsDefault ? [] : members.OrderBy(m => m.Node).ToImmutableArray();
        VirtualNodesPerWeight = virtualNodesPerWeight;
    }

    /// <summary>No member, never changed.</summary>
    public static RingState Empty(int virtualNodesPerWeight) => new(-1, [], virtualNodesPerWeight);

    /// <summary>The slot of the last change; -1 when it never changed.</summary>
    public long Version { get; }

    /// <summary>Every member, by node id.</summary>
    public ImmutableArray<RingMember> Members { get; }

    /// <summary>Virtual nodes per unit of weight (a rule equal on every node).</summary>
    public int VirtualNodesPerWeight { get; }

    /// <summary>The hash ring of these members, built once on first use.</summary>
    public HashRing Ring => _ring ??= HashRing.Create(Members, VirtualNodesPerWeight);

    /// <summary>The member with node id <paramref name="node"/>, or null.</summary>
    public RingMember? Member(int node)
    {
        foreach (var m in Members)
            if (m.Node == node) return m;
        return null;
    }
}
