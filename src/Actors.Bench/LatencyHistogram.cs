using System.Diagnostics;
using System.Numerics;

namespace Actors.Bench;

/// <summary>
/// Counts latencies in microsecond buckets: exact below 128 µs, then 64 buckets per power of two, so a
/// reported percentile is within 1/64 (about 1.6 %) of the true value. Memory stays fixed however many
/// requests are recorded. Not thread-safe: each client records into its own histogram and the runner
/// merges them.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int ExactLimit = 2 * SubBuckets;
    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;

    // Values up to 2^62 µs; the last band starts at shift 62 - 6.
    private readonly long[] _counts = new long[ExactLimit + (62 - 6) * SubBuckets];

    /// <summary>Number of recorded latencies.</summary>
    public long Count { get; private set; }

    /// <summary>Records one latency measured in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long stopwatchTicks)
    {
        var micros = (long)(Math.Max(0, stopwatchTicks) * MicrosPerTick);
        _counts[BucketOf(micros)]++;
        Count++;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>
    /// The latency in milliseconds that <paramref name="quantile"/> (0 &lt; q ≤ 1) of the recorded ones do not
    /// exceed, as the middle of its bucket; 0 when nothing was recorded.
    /// </summary>
    public double PercentileMs(double quantile)
    {
        if (quantile is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "must be in (0, 1]");
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return MidpointMicros(i) / 1000.0;
        }
        throw new InvalidOperationException("counts do not add up to Count");
    }

    private static int BucketOf(long micros)
    {
        if (micros < ExactLimit) return (int)micros;
        var highestBit = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        var shift = highestBit - 6;
        var top = (int)(micros >> shift); // in [64, 128)
        return ExactLimit + (shift - 1) * SubBuckets + (top - SubBuckets);
    }

    private static double MidpointMicros(int bucket)
    {
        if (bucket < ExactLimit) return bucket;
        var shift = (bucket - ExactLimit) / SubBuckets + 1;
        var top = (bucket - ExactLimit) % SubBuckets + SubBuckets;
        var low = (long)top << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
