using System.Diagnostics;
using HdrHistogram;

namespace Actors.Bench;

/// <summary>
/// Latencies in microseconds, kept by HdrHistogram with three significant digits (a reported percentile is within
/// 0.1 % of the true value) from 1 µs to an hour; memory stays fixed however many requests are recorded. Not
/// thread-safe: each client records into its own histogram and the runner merges them.
/// </summary>
public sealed class LatencyHistogram
{
    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;
    private static readonly long HighestMicros = (long)TimeSpan.FromHours(1).TotalMicroseconds;

    private readonly LongHistogram _histogram = new(HighestMicros, 3);

    /// <summary>Number of recorded latencies.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records one latency measured in <see cref="Stopwatch"/> ticks (an hour or more is recorded as an hour).</summary>
    public void Record(long stopwatchTicks) =>
        _histogram.RecordValue(Math.Clamp((long)(Math.Max(0, stopwatchTicks) * MicrosPerTick), 0, HighestMicros));

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    /// <summary>
    /// The latency in milliseconds that <paramref name="quantile"/> (0 &lt; q ≤ 1) of the recorded ones do not
    /// exceed; 0 when nothing was recorded.
    /// </summary>
    public double PercentileMs(double quantile)
    {
        if (quantile is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "must be in (0, 1]");
        return Count == 0 ? 0 : _histogram.GetValueAtPercentile(quantile * 100) / 1000.0;
    }
}
