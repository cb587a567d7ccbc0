using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Actors.Core.Ring;
using Akka.Routing;

namespace Actors.Bench;

/// <summary>
/// <c>Actors.Bench ring</c>: the project's <see cref="HashRing"/> side by side with Akka's
/// <see cref="ConsistentHash"/> (the same keys, the same nodes, the same virtual nodes per node) and with
/// <c>hash mod n</c>, at 3, 10 and 100 nodes: lookups per second, peak/average keys per node (also for the ring with
/// bounded loads), and the fraction of keys that move when a node joins and when one leaves, against the ideal.
/// </summary>
public static class RingBench
{
    /// <summary>Settings of one run.</summary>
    public sealed record Options(int Keys, int VirtualNodes, double Epsilon, IReadOnlyList<int> Sizes, string Root, TimeSpan LookupTime);

    private sealed record Row(int Nodes, string System, double LookupsPerSecond, double PeakToAverage, double MovedOnJoin, double MovedOnLeave);

    /// <summary>Runs every size, prints the table and writes it to <c>bench-results/ring-*.md</c>; returns the exit code.</summary>
    public static int Run(Options options, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"ring bench: {options.Keys} keys, {options.VirtualNodes} virtual nodes per node, bounded loads ε = {options.Epsilon}, " +
            $"nodes {string.Join(",", options.Sizes)}, {options.LookupTime.TotalSeconds:0.#} s of lookups per system and size"));
        var random = new Random(2026);
        var keys = Enumerable.Range(0, options.Keys).Select(_ => "entity-" + random.NextInt64().ToString("x", c)).ToArray();
        var rows = new List<Row>();
        foreach (var n in options.Sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.AddRange(Measure(n, keys, options));
            foreach (var r in rows.Where(r => r.Nodes == n))
                Console.WriteLine(string.Create(c,
                    $"  {n,3} nodes {r.System,-20} {Fmt(r.LookupsPerSecond, "0")} lookups/s, peak/avg {r.PeakToAverage:0.000}, " +
                    $"moved on join {r.MovedOnJoin:0.0000}, on leave {r.MovedOnLeave:0.0000}"));
        }

        var table = Format(rows, options);
        Console.WriteLine();
        Console.Write(table);
        var dir = Path.Combine(options.Root, "bench-results");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"ring-{DateTime.Now:yyyyMMdd-HHmmss}.md");
        File.WriteAllText(file, $"# ring bench {DateTime.Now:yyyy-MM-dd HH:mm:ss}\n\n{options.Keys} random keys, {options.VirtualNodes} virtual nodes per node, " +
                                $"ε = {options.Epsilon.ToString(c)}; one thread; {Environment.ProcessorCount} cores, .NET {Environment.Version}.\n\n```\n{table.TrimEnd()}\n```\n");
        Console.WriteLine($"written to {file}");
        return 0;
    }

    private static IEnumerable<Row> Measure(int n, string[] keys, Options o)
    {
        var members = Enumerable.Range(1, n).Select(i => new RingMember(i, $"node-{i}", 1)).ToList();
        var joiner = new RingMember(n + 1, $"node-{n + 1}", 1);
        var names = members.Select(m => m.Address).ToList();

        // The project's ring.
        var ring = HashRing.Create(members, o.VirtualNodes);
        var ringJoin = HashRing.Create(members.Append(joiner), o.VirtualNodes);
        var ringLeave = HashRing.Create(members.Skip(1), o.VirtualNodes);
        var ringOwners = keys.Select(ring.OwnerOf).ToArray();
        yield return new Row(n, "actors ring", LookupsPerSecond(keys, k => ring.OwnerOf(k), o.LookupTime), PeakToAverage(ringOwners, n),
            Moved(ringOwners, keys.Select(ringJoin.OwnerOf).ToArray()), Moved(ringOwners, keys.Select(ringLeave.OwnerOf).ToArray()));

        // The same ring with bounded loads: an assignment of the whole key set (no lookup figure).
        var bounded = BoundedLoads.Assign(ring, keys, o.Epsilon);
        var boundedOwners = keys.Select(k => bounded[k]).ToArray();
        var boundedJoin = BoundedLoads.Assign(ringJoin, keys, o.Epsilon);
        var boundedLeave = BoundedLoads.Assign(ringLeave, keys, o.Epsilon);
        yield return new Row(n, "actors ring bounded", double.NaN, PeakToAverage(boundedOwners, n),
            Moved(boundedOwners, keys.Select(k => boundedJoin[k]).ToArray()), Moved(boundedOwners, keys.Select(k => boundedLeave[k]).ToArray()));

        // Akka.Routing.ConsistentHash with the same virtual nodes per node.
        var akka = ConsistentHash.Create(names, o.VirtualNodes);
        var akkaJoin = ConsistentHash.Create(names.Append(joiner.Address), o.VirtualNodes);
        var akkaLeave = ConsistentHash.Create(names.Skip(1), o.VirtualNodes);
        var akkaOwners = keys.Select(k => Index(akka.NodeFor(k))).ToArray();
        yield return new Row(n, "akka ConsistentHash", LookupsPerSecond(keys, k => akka.NodeFor(k).Length, o.LookupTime), PeakToAverage(akkaOwners, n),
            Moved(akkaOwners, keys.Select(k => Index(akkaJoin.NodeFor(k))).ToArray()), Moved(akkaOwners, keys.Select(k => Index(akkaLeave.NodeFor(k))).ToArray()));

        // hash mod n: what consistent hashing is measured against.
        int ModN(string k, int count) => (int)(XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(k)) % (ulong)count) + 1;
        var modOwners = keys.Select(k => ModN(k, n)).ToArray();
        // Leaving: the remaining n - 1 nodes keep their names (1 leaves, 2..n are renumbered 1..n-1 by position).
        yield return new Row(n, "hash mod n", LookupsPerSecond(keys, k => ModN(k, n), o.LookupTime), PeakToAverage(modOwners, n),
            Moved(modOwners, keys.Select(k => ModN(k, n + 1)).ToArray()), Moved(modOwners, keys.Select(k => ModN(k, n - 1) + 1).ToArray()));
    }

    private static int Index(string node) => int.Parse(node.AsSpan("node-".Length), CultureInfo.InvariantCulture);

    /// <summary>Lookups per second on one thread over the keys, repeated for about <paramref name="time"/> after a warm-up pass.</summary>
    private static double LookupsPerSecond(string[] keys, Func<string, int> lookup, TimeSpan time)
    {
        var sink = 0;
        foreach (var k in keys) sink += lookup(k);
        long done = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < time)
        {
            foreach (var k in keys) sink += lookup(k);
            done += keys.Length;
        }
        GC.KeepAlive(sink);
        return done / watch.Elapsed.TotalSeconds;
    }

    private static double PeakToAverage(int[] owners, int nodes) =>
        owners.GroupBy(o => o).Max(g => g.Count()) / ((double)owners.Length / nodes);

    private static double Moved(int[] before, int[] after) => before.Zip(after).Count(p => p.Item1 != p.Item2) / (double)before.Length;

    private static string Format(List<Row> rows, Options o)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"{"nodes",5} {"system",-20} {"lookups/s",12} {"peak/avg",9} {"moved join",11} {"ideal",7} {"moved leave",12} {"ideal",7}"));
        foreach (var r in rows)
            sb.AppendLine(string.Create(c,
                $"{r.Nodes,5} {r.System,-20} {Fmt(r.LookupsPerSecond, "0"),12} {r.PeakToAverage,9:0.000} {r.MovedOnJoin,11:0.0000} {1.0 / (r.Nodes + 1),7:0.0000} {r.MovedOnLeave,12:0.0000} {1.0 / r.Nodes,7:0.0000}"));
        foreach (var n in rows.Select(r => r.Nodes).Distinct())
        {
            var ours = rows.First(r => r.Nodes == n && r.System == "actors ring");
            var bounded = rows.First(r => r.Nodes == n && r.System == "actors ring bounded");
            var akka = rows.First(r => r.Nodes == n && r.System == "akka ConsistentHash");
            sb.AppendLine(string.Create(c,
                $"{n} nodes: lookups actors ring / akka ConsistentHash x{ours.LookupsPerSecond / akka.LookupsPerSecond:0.00}; " +
                $"bounded peak/avg {bounded.PeakToAverage:0.000} (cap 1+ε = {1 + o.Epsilon:0.00}); " +
                $"moved / ideal: join x{ours.MovedOnJoin * (n + 1):0.00}, leave x{ours.MovedOnLeave * n:0.00}"));
        }
        return sb.ToString();
    }

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
}
