using System.Diagnostics;

namespace Actors.Chaos;

/// <summary>Monotonic timestamps (<see cref="Stopwatch"/> ticks) shared by the clients and the fault injector.</summary>
public static class Clock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    /// <summary>Now, in ticks since the run began.</summary>
    public static long Now => Stopwatch.GetTimestamp() - Origin;

    /// <summary>Seconds since the run began.</summary>
    public static double Seconds => ToSeconds(Now);

    /// <summary>Converts a tick count to seconds.</summary>
    public static double ToSeconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    /// <summary>A prefix for progress lines: seconds since the start.</summary>
    public static string Stamp => $"[{Seconds,7:0.0}s]";
}
