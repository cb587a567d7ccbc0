using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Injected network faults on this node's outgoing Paxos traffic, for fault-testing a running cluster
/// (the <c>faults</c> palette, enabled by <c>actors.faults.enabled</c>): messages to blocked nodes are dropped,
/// messages to delayed nodes arrive late, messages to lossy nodes are dropped at random. Applying the same
/// blocks on both sides of a cut makes a partition. Client traffic and Akka.Cluster gossip are not affected.
/// </summary>
public sealed class PaxosFaults
{
    private static readonly ConditionalWeakTable<ActorSystem, PaxosFaults> All = new();
    private volatile State _state = State.None;

    /// <summary>The fault state of one node at a time; immutable, swapped as a whole.</summary>
    public sealed record State(ImmutableHashSet<int> Blocked, ImmutableDictionary<int, TimeSpan> Delays, ImmutableDictionary<int, double> Drops)
    {
        public static readonly State None = new(ImmutableHashSet<int>.Empty, ImmutableDictionary<int, TimeSpan>.Empty, ImmutableDictionary<int, double>.Empty);

        public bool IsNone => Blocked.IsEmpty && Delays.IsEmpty && Drops.IsEmpty;
    }

    /// <summary>The faults of <paramref name="system"/>'s node.</summary>
    public static PaxosFaults For(ActorSystem system) => All.GetValue(system, _ => new PaxosFaults());

    public State Current => _state;

    public void Block(IEnumerable<int> nodes) => _state = _state with { Blocked = nodes.ToImmutableHashSet() };

    public void Delay(IEnumerable<int> nodes, TimeSpan delay)
    {
        var d = _state.Delays;
        foreach (var n in nodes) d = delay > TimeSpan.Zero ? d.SetItem(n, delay) : d.Remove(n);
        _state = _state with { Delays = d };
    }

    public void Drop(IEnumerable<int> nodes, double probability)
    {
        var d = _state.Drops;
        foreach (var n in nodes) d = probability > 0 ? d.SetItem(n, probability) : d.Remove(n);
        _state = _state with { Drops = d };
    }

    public void Heal() => _state = State.None;

    /// <summary>What to do with a message to <paramref name="node"/>: null to drop it, else the delay before sending.</summary>
    internal TimeSpan? Decide(int node)
    {
        var s = _state;
        if (s.IsNone) return TimeSpan.Zero;
        if (s.Blocked.Contains(node)) return null;
        if (s.Drops.TryGetValue(node, out var p))
        {
            if (Random.Shared.NextDouble() < p) return null;
        }
        return s.Delays.TryGetValue(node, out var delay) ? delay : TimeSpan.Zero;
    }
}
