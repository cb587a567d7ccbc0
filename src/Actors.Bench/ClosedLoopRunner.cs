using System.Diagnostics;

namespace Actors.Bench;

/// <summary>
/// Drives a target with closed-loop clients: each client sends one request, waits for its answer, and sends
/// the next, until the window ends. A success counts only when it completes inside the window; requests in
/// flight at the end are awaited, and counted only if they fail, so no error goes unreported.
/// </summary>
public static class ClosedLoopRunner
{
    // A client whose request failed waits this long before the next one, so a system that refuses
    // connections does not turn the loop into a busy spin that steals the CPU from the others.
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs <paramref name="clients"/> clients of <paramref name="series"/> doing <paramref name="workload"/> against
    /// <paramref name="target"/> for <paramref name="duration"/>.
    /// </summary>
    public static async Task<PointResult> RunAsync(IKvTarget target, string series, WorkloadKind workload, int clients, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var loops = new ClientLoop[clients];
        for (var i = 0; i < clients; i++) loops[i] = new ClientLoop(target.CreateClient(series, i, workload));

        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(loops.Select(l => Task.Run(() => l.RunAsync(end, cancellationToken), cancellationToken)));
        cancellationToken.ThrowIfCancellationRequested();

        var latencies = new LatencyHistogram();
        long errors = 0, timeouts = 0;
        foreach (var loop in loops)
        {
            latencies.Add(loop.Latencies);
            errors += loop.Errors;
            timeouts += loop.Timeouts;
        }
        return new PointResult(series, target.HasWorkloads ? Workload.NameOf(workload) : "ping", clients, latencies.Count, errors, timeouts, duration,
            latencies.PercentileMs(0.50), latencies.PercentileMs(0.99));
    }

    private sealed class ClientLoop(Func<CancellationToken, Task<OpOutcome>> op)
    {
        public LatencyHistogram Latencies { get; } = new();

        public long Errors { get; private set; }

        public long Timeouts { get; private set; }

        public async Task RunAsync(long end, CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= end) return;
                OpOutcome outcome;
                try
                {
                    outcome = await op(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception)
                {
                    outcome = OpOutcome.Error;
                }
                var answered = Stopwatch.GetTimestamp();
                switch (outcome)
                {
                    case OpOutcome.Ok when answered <= end:
                        Latencies.Record(answered - sent);
                        continue;
                    case OpOutcome.Ok:
                        return;
                    case OpOutcome.Timeout:
                        Timeouts++;
                        break;
                    default:
                        Errors++;
                        break;
                }
                if (answered > end) return;
                try
                {
                    await Task.Delay(ErrorPause, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
