namespace Actors.Bench;

/// <summary>The measurement of one system at one concurrency.</summary>
/// <param name="System">The series measured (<see cref="IKvTarget.Series"/>): a system and the way clients reach it.</param>
/// <param name="Workload">What the clients did: write, read, mixed, or ping for the transport baseline.</param>
/// <param name="Clients">Closed-loop clients.</param>
/// <param name="Successes">Requests acknowledged within the window.</param>
/// <param name="Errors">Requests answered with an error or failed within the window.</param>
/// <param name="Timeouts">Requests that timed out within the window.</param>
/// <param name="Elapsed">Length of the measured window.</param>
/// <param name="P50Ms">Median latency of the successful requests, in milliseconds.</param>
/// <param name="P99Ms">99th-percentile latency of the successful requests, in milliseconds.</param>
public sealed record PointResult(
    string System,
    string Workload,
    int Clients,
    long Successes,
    long Errors,
    long Timeouts,
    TimeSpan Elapsed,
    double P50Ms,
    double P99Ms)
{
    /// <summary>Successful requests per second of the window.</summary>
    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Successes / Elapsed.TotalSeconds : 0;
}
