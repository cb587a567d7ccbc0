using Actors.Core.Kv;
using Actors.Core.Ring;

namespace Actors.Core.Log;

/// <summary>
/// The settings that change the result of applying a command. A command must apply the same on every node, so these
/// must be equal on every node of a cluster (<see cref="Fingerprint"/> lets nodes compare them).
/// </summary>
/// <param name="Limits">Key and value limits of the key-value service.</param>
/// <param name="SessionTtl">A client session not used for this long in log time is forgotten (log time is the
/// leader's clock as stamped into the slots, in the unit the stamps use: milliseconds at run time).</param>
/// <param name="RingVirtualNodes">Virtual nodes per unit of weight on the ring: it decides who owns what, so every node
/// must place the same.</param>
/// <param name="MaxStateBytes">The most bytes the services' data may take (key-value entries, journal events and
/// snapshots, as a snapshot encodes them): a command that would grow it past this is refused ("state full").</param>
public sealed record LogRules(KvLimits Limits, long SessionTtl, int RingVirtualNodes = HashRing.DefaultVirtualNodesPerWeight,
    long MaxStateBytes = LogRules.DefaultMaxStateBytes)
{
    /// <summary>1 GiB.</summary>
    public const long DefaultMaxStateBytes = 1L << 30;

    /// <summary>Default limits, sessions kept ten minutes of log time, 128 virtual nodes per unit of weight.</summary>
    public static readonly LogRules Default = new(KvLimits.Default, 10 * 60 * 1000);

    /// <summary>Sessions are swept each time log time crosses a multiple of this (an eighth of the TTL, at least 1).</summary>
    public long SweepInterval => Math.Max(1, SessionTtl / 8);

    /// <summary>A stable text of every rule, for comparison across nodes.</summary>
    public string Fingerprint => $"kv:{Limits.MaxKeyBytes}/{Limits.MaxValueBytes};ttl:{SessionTtl};ring:{RingVirtualNodes};state:{MaxStateBytes}";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid rule.</summary>
    public LogRules Validate()
    {
        if (SessionTtl < 1) throw new ArgumentException("kv: session-ttl must be positive");
        if (RingVirtualNodes < 1) throw new ArgumentException("ring: virtual-nodes-per-weight must be at least 1");
        if (MaxStateBytes < 1) throw new ArgumentException("log: max-state-bytes must be positive");
        return this;
    }
}
