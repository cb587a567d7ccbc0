using System.Globalization;
using System.Text;

namespace Actors.Bench;

/// <summary>Formats the results of one run as a fixed-width table, grouped by concurrency, with ratios between systems.</summary>
public static class ResultTable
{
    /// <summary>
    /// The table of <paramref name="results"/> (systems in <paramref name="systems"/> order within each client count),
    /// ratio lines of actors against each other measured system, and one line per system that was not measured.
    /// </summary>
    public static string Format(IReadOnlyList<PointResult> results, IReadOnlyList<string> systems, IReadOnlyDictionary<string, string> failures)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"{"system",-12} {"clients",7} {"ops/s",10} {"p50 ms",9} {"p99 ms",9} {"errors",7} {"timeouts",8}"));
        foreach (var clients in results.Select(r => r.Clients).Distinct())
        {
            foreach (var system in systems)
            {
                if (Find(results, system, clients) is not { } r) continue;
                sb.AppendLine(string.Create(c,
                    $"{r.System,-12} {r.Clients,7} {r.OpsPerSecond,10:0} {r.P50Ms,9:0.00} {r.P99Ms,9:0.00} {r.Errors,7} {r.Timeouts,8}"));
            }
        }
        foreach (var peer in systems.Where(s => s != "actors"))
        {
            var ratios = results.Select(r => r.Clients).Distinct()
                .Select(n => (n, a: Find(results, "actors", n), p: Find(results, peer, n)))
                .Where(x => x.a is not null && x.p is not null)
                .Select(x => string.Create(c, $"clients={x.n} ops x{Ratio(x.a!.OpsPerSecond, x.p!.OpsPerSecond)} p99 x{Ratio(x.a.P99Ms, x.p.P99Ms)}"))
                .ToList();
            if (ratios.Count > 0) sb.AppendLine($"ratios (actors / {peer}): {string.Join("; ", ratios)}");
        }
        foreach (var (system, reason) in failures) sb.AppendLine($"{system}: not measured: {reason}");
        return sb.ToString();
    }

    private static PointResult? Find(IReadOnlyList<PointResult> results, string system, int clients) =>
        results.FirstOrDefault(r => r.System == system && r.Clients == clients);

    private static string Ratio(double a, double b)
    {
        if (b <= 0) return "n/a";
        var r = a / b;
        return r.ToString(r >= 10 ? "0.0" : r >= 0.1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
    }
}
