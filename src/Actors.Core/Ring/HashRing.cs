using System.Collections.Immutable;
using System.Numerics;

namespace Actors.Core.Ring;

/// <summary>
/// An immutable consistent hash ring. Each active member places <see cref="VirtualNodesPerWeight"/> × its weight virtual
/// nodes at stable 64-bit positions (<see cref="RingHash.OfVirtualNode"/>); a key belongs to the member of the first
/// virtual node at or after the key's position, wrapping around. Positions and owners are kept in two sorted arrays, so a
/// lookup is one hash and one binary search, with no allocation. When a member joins or leaves, only the keys in the arcs
/// its virtual nodes take or give up change owner (see <see cref="RingDiff"/>).
/// <para>
/// A lookup is one hash and a jump: the ring keeps, for each of 2^k equal buckets of the hash space (about four per
/// virtual node), the index of the first virtual node at or after the bucket's start, so a lookup scans from there past
/// the few virtual nodes inside the bucket instead of binary-searching the whole ring.
/// </para>
/// </summary>
public sealed class HashRing
{
    /// <summary>Virtual nodes per unit of weight by default.</summary>
    public const int DefaultVirtualNodesPerWeight = 128;

    private readonly ulong[] _points;
    private readonly int[] _owners;
    private readonly int[] _buckets;
    private readonly int _shift;

    private HashRing(ImmutableArray<RingMember> members, int virtualNodesPerWeight, ulong[] points, int[] owners)
    {
        Members = members;
        VirtualNodesPerWeight = virtualNodesPerWeight;
        _points = points;
        _owners = owners;
        // 2^bits buckets, about four per virtual node (at least 2).
        var bits = Math.Clamp(BitOperations.Log2((uint)Math.Max(1, points.Length)) + 3, 1, 24);
        _shift = 64 - bits;
        _buckets = new int[1 << bits];
        var p = 0;
        for (var b = 0; b < _buckets.Length; b++)
        {
            var start = (ulong)b << _shift;
            while (p < points.Length && points[p] < start) p++;
            _buckets[b] = p;
        }
    }

    /// <summary>An empty ring: it owns nothing.</summary>
    public static readonly HashRing Empty = new([], DefaultVirtualNodesPerWeight, [], []);

    /// <summary>Every member, by node id, the draining ones included.</summary>
    public ImmutableArray<RingMember> Members { get; }

    /// <summary>Virtual nodes per unit of weight.</summary>
    public int VirtualNodesPerWeight { get; }

    /// <summary>Virtual nodes on the ring (of active members only).</summary>
    public int PointCount => _points.Length;

    /// <summary>True when no member owns anything.</summary>
    public bool IsEmpty => _points.Length == 0;

    /// <summary>The virtual nodes of a member of weight <paramref name="weight"/>: at least one.</summary>
    public static int VirtualNodesOf(double weight, int perWeight) => Math.Max(1, (int)Math.Round(weight * perWeight));

    /// <summary>
    /// The ring of <paramref name="members"/>. Node ids must be distinct and weights positive and finite; draining members
    /// are kept as members but place no virtual node.
    /// </summary>
    /// <exception cref="ArgumentException">A duplicate node id, a weight that is not positive, or fewer than one virtual node per weight.</exception>
    public static HashRing Create(IEnumerable<RingMember> members, int virtualNodesPerWeight = DefaultVirtualNodesPerWeight)
    {
        if (virtualNodesPerWeight < 1) throw new ArgumentException("ring: at least one virtual node per unit of weight", nameof(virtualNodesPerWeight));
        var list = members.OrderBy(m => m.Node).ToImmutableArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (i > 0 && list[i].Node == list[i - 1].Node) throw new ArgumentException($"ring: node {list[i].Node} is listed twice", nameof(members));
            if (!(list[i].Weight > 0) || double.IsInfinity(list[i].Weight))
                throw new ArgumentException($"ring: node {list[i].Node} has weight {list[i].Weight}; a weight must be a positive number", nameof(members));
        }

        var placed = new List<(ulong Position, int Node)>();
        foreach (var m in list.Where(m => m.Owns))
            for (var r = 0; r < VirtualNodesOf(m.Weight, virtualNodesPerWeight); r++)
                placed.Add((RingHash.OfVirtualNode(m.Node, r), m.Node));
        // Equal positions (a 64-bit collision) are ordered by node id, so every node builds the same ring.
        placed.Sort();
        return new HashRing(list, virtualNodesPerWeight, placed.Select(p => p.Position).ToArray(), placed.Select(p => p.Node).ToArray());
    }

    /// <summary>The member owning <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">No member owns anything.</exception>
    public int OwnerOf(string key) => OwnerAt(RingHash.Of(key));

    /// <summary>The member owning ring position <paramref name="position"/>.</summary>
    /// <exception cref="InvalidOperationException">No member owns anything.</exception>
    public int OwnerAt(ulong position)
    {
        if (_points.Length == 0) throw new InvalidOperationException("the ring has no active member");
        return _owners[IndexAt(position)];
    }

    /// <summary>The member owning <paramref name="key"/>, or null when no member owns anything.</summary>
    public int? TryOwnerOf(string key) => _points.Length == 0 ? null : _owners[IndexAt(RingHash.Of(key))];

    /// <summary>
    /// The distinct members met walking clockwise from <paramref name="key"/>'s position: the owner first, then the members
    /// a key would fall back to, in order.
    /// </summary>
    public IEnumerable<int> OwnersFrom(string key)
    {
        if (_points.Length == 0) yield break;
        var seen = new HashSet<int>();
        var start = IndexAt(RingHash.Of(key));
        for (var i = 0; i < _points.Length && seen.Count < Members.Length; i++)
        {
            var owner = _owners[(start + i) % _points.Length];
            if (seen.Add(owner)) yield return owner;
        }
    }

    /// <summary>The member with node id <paramref name="node"/>, or null.</summary>
    public RingMember? Member(int node)
    {
        foreach (var m in Members)
            if (m.Node == node) return m;
        return null;
    }

    /// <summary>The virtual nodes of the ring in position order: position and owner.</summary>
    public IEnumerable<(ulong Position, int Owner)> Points()
    {
        for (var i = 0; i < _points.Length; i++) yield return (_points[i], _owners[i]);
    }

    /// <summary>The owner of the <paramref name="index"/>-th virtual node (0 ≤ index &lt; <see cref="PointCount"/>).</summary>
    internal int OwnerOfPoint(int index) => _owners[index];

    /// <summary>The index of the first point at or after <paramref name="position"/>, wrapping to 0 past the last.</summary>
    internal int IndexAt(ulong position)
    {
        var points = _points;
        var i = _buckets[(int)(position >> _shift)];
        while (i < points.Length && points[i] < position) i++;
        return i == points.Length ? 0 : i;
    }
}
