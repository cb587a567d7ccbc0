using System.Globalization;
using System.Text;

namespace Actors.Bench;

/// <summary>Formats the results of one run as a fixed-width table, grouped by workload and concurrency, with ratios between series.</summary>
public static class ResultTable
{
    /// <summary>The series every other one is compared with.</summary>
    private const string Reference = "actors";

    /// <summary>
    /// The table of <paramref name="results"/> (series in <paramref name="series"/> order within each workload and client
    /// count), then ratio lines: for each workload, each Actors series against every other series measured with it (and
    /// against the transport baseline, which has a workload of its own), and one line per system that was not measured.
    /// </summary>
    public static string Format(IReadOnlyList<PointResult> results, IReadOnlyList<string> series, IReadOnlyDictionary<string, string> failures)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"{"workload",-8} {"system",-14} {"clients",7} {"ops/s",10} {"p50 ms",9} {"p99 ms",9} {"errors",7} {"timeouts",8}"));
        var workloads = results.Select(r => r.Workload).Distinct().ToList();
        foreach (var workload in workloads)
        foreach (var clients in results.Where(r => r.Workload == workload).Select(r => r.Clients).Distinct())
        foreach (var name in series)
        {
            if (Find(results, name, workload, clients) is not { } r) continue;
            sb.AppendLine(string.Create(c,
                $"{r.Workload,-8} {r.System,-14} {r.Clients,7} {r.OpsPerSecond,10:0} {r.P50Ms,9:0.00} {r.P99Ms,9:0.00} {r.Errors,7} {r.Timeouts,8}"));
        }

        var actorsSeries = series.Where(s => s.StartsWith(Reference, StringComparison.Ordinal)).ToList();
        var baseline = results.Where(r => r.Workload == "ping").ToList();
        foreach (var workload in workloads.Where(w => w != "ping"))
        foreach (var a in actorsSeries)
        foreach (var peer in series.Where(s => s != a && !(actorsSeries.IndexOf(s) > actorsSeries.IndexOf(a) && actorsSeries.Contains(s))))
        {
            var peerPoints = baseline.Any(r => r.System == peer) ? baseline : results.Where(r => r.Workload == workload).ToList();
            var ratios = results.Where(r => r.Workload == workload && r.System == a)
                .Select(x => (x, p: peerPoints.FirstOrDefault(r => r.System == peer && r.Clients == x.Clients)))
                .Where(x => x.p is not null)
                .Select(x => string.Create(c,
                    $"clients={x.x.Clients} ops x{Ratio(x.x.OpsPerSecond, x.p!.OpsPerSecond)} p50 x{Ratio(x.x.P50Ms, x.p.P50Ms)} p99 x{Ratio(x.x.P99Ms, x.p.P99Ms)}"))
                .ToList();
            if (ratios.Count > 0) sb.AppendLine($"{workload}: {a} / {peer}: {string.Join("; ", ratios)}");
        }
        foreach (var (system, reason) in failures) sb.AppendLine($"{system}: not measured: {reason}");
        return sb.ToString();
    }

    private static PointResult? Find(IReadOnlyList<PointResult> results, string system, string workload, int clients) =>
        results.FirstOrDefault(r => r.System == system && r.Workload == workload && r.Clients == clients);

    private static string Ratio(double a, double b)
    {
        if (b <= 0) return "n/a";
        var r = a / b;
        return r.ToString(r >= 10 ? "0.0" : r >= 0.1 ? "0.00" : "0.000", CultureInfo.InvariantCulture);
    }
}
