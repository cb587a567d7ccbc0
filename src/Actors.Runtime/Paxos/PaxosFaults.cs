using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Injected network faults on this node's outgoing Paxos traffic, for fault-testing a running cluster
/// (the <c>faults</c> palette, enabled by <c>actors.faults.enabled</c>): messages to blocked nodes are dropped,
/// messages to delayed nodes arrive late, messages to lossy nodes are dropped at random. Applying the same
/// blocks on both sides of a cut makes a partition. Read-index grants alone can be delayed too (a leader slow to answer
/// reads while its heartbeats and accepts go on). Client traffic and Akka.Cluster gossip are not affected.
/// </summary>
public sealed class PaxosFaults
{
    private static readonly ConditionalWeakTable<ActorSystem, PaxosFaults> All = new();
    private volatile State _state = State.None;

    /// <summary>The fault state of one node at a time; immutable, swapped as a whole.</summary>
    public sealed record State(ImmutableHashSet<int> Blocked, ImmutableDictionary<int, TimeSpan> Delays, ImmutableDictionary<int, double> Drops,
        ImmutableDictionary<int, TimeSpan> GrantDelays)
    {
        public static readonly State None = new(ImmutableHashSet<int>.Empty, ImmutableDictionary<int, TimeSpan>.Empty, ImmutableDictionary<int, double>.Empty,
            ImmutableDictionary<int, TimeSpan>.Empty);

        public bool IsNone => Blocked.IsEmpty && Delays.IsEmpty && Drops.IsEmpty && GrantDelays.IsEmpty;
    }

    /// <summary>The faults of <paramref name="system"/>'s node.</summary>
    public static PaxosFaults For(ActorSystem system) => All.GetValue(system, _ => new PaxosFaults());

    public State Current => _state;

    public void Block(IEnumerable<int> nodes) => _state = _state with { Blocked = nodes.ToImmutableHashSet() };

    public void Delay(IEnumerable<int> nodes, TimeSpan delay) => _state = _state with { Delays = WithDelay(_state.Delays, nodes, delay) };

    /// <summary>Read-index grants to <paramref name="nodes"/> leave <paramref name="delay"/> late (on top of any delay of all messages).</summary>
    public void DelayGrants(IEnumerable<int> nodes, TimeSpan delay) => _state = _state with { GrantDelays = WithDelay(_state.GrantDelays, nodes, delay) };

    private static ImmutableDictionary<int, TimeSpan> WithDelay(ImmutableDictionary<int, TimeSpan> delays, IEnumerable<int> nodes, TimeSpan delay)
    {
        foreach (var n in nodes) delays = delay > TimeSpan.Zero ? delays.SetItem(n, delay) : delays.Remove(n);
        return delays;
    }

    public void Drop(IEnumerable<int> nodes, double probability)
    {
        var d = _state.Drops;
        foreach (var n in nodes) d = probability > 0 ? d.SetItem(n, probability) : d.Remove(n);
        _state = _state with { Drops = d };
    }

    public void Heal() => _state = State.None;

    /// <summary>What to do with <paramref name="message"/> to <paramref name="node"/>: null to drop it, else the delay before sending.</summary>
    internal TimeSpan? Decide(int node, object message)
    {
        var s = _state;
        if (s.IsNone) return TimeSpan.Zero;
        if (s.Blocked.Contains(node)) return null;
        if (s.Drops.TryGetValue(node, out var p))
        {
            if (Random.Shared.NextDouble() < p) return null;
        }
        var delay = s.Delays.GetValueOrDefault(node, TimeSpan.Zero);
        if (message is Actors.Core.Paxos.ReadIndexGrant && s.GrantDelays.TryGetValue(node, out var grantDelay)) delay += grantDelay;
        return delay;
    }
}
