using System.Globalization;
using System.Runtime.InteropServices;
using Actors.Testing.Processes;

namespace Actors.Bench;

/// <summary>
/// Entry point: <c>Actors.Bench kv [options]</c> measures closed-loop writes against every selected system in one
/// run and prints one table. Exit code 0 when every system was measured, 1 when one could not be started or
/// measured at all, 2 on bad arguments, 130 when interrupted.
/// </summary>
public static class Program
{
    private const string RingUsage = """
        usage: Actors.Bench ring [options]
          --keys N                random keys (1000000)
          --vnodes N              virtual nodes per node, for both rings (128)
          --epsilon E             bounded loads: no node above (1+E) times the average (0.1)
          --nodes LIST            ring sizes (3,10,100)
          --seconds N             lookups timed per system and size (2)
          --root DIR              repository root, for bench-results/ (found from the working directory)
        """;

    private const string Usage = """
        usage: Actors.Bench kv [options]
          --seconds N             measured seconds per point (10)
          --clients 1,16,64,256   closed-loop client counts (1,16,64,256)
          --systems LIST          any of actors,etcd,akka-remote (all)
          --workload LIST         any of write,read,mixed (write,mixed); mixed: half reads, half writes
          --path LIST             how clients reach Actors: direct (public messages to the nodes), client (ActorsClient) (direct,client)
          --warmup-seconds N      unmeasured warm-up per system, at 64 clients (8)
          --keys N                key space size (10000)
          --value-bytes N         value size (256)
          --root DIR              repository root (found from the working directory)
          --work-dir DIR          scratch directory for cluster data and logs (a new temporary one)
          --remote-base N         Actors node i uses Akka.Remote port N+i (24250)
          --cmd-base N            Actors node i uses command port N+i (29250)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ring") return RunRing(args);
        if (args.Length > 0 && args[0] == "restart") return await RestartBench.RunAsync(args);
        BenchOptions options;
        bool ownWorkDir;
        try
        {
            (options, ownWorkDir) = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var interrupted = new CancellationTokenSource();
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupt(c, interrupted));
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Interrupt(c, interrupted));

        var exit = await RunAsync(options, interrupted.Token);
        if (ownWorkDir && exit == 0) Directory.Delete(options.WorkDir, recursive: true);
        return exit;
    }

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var workload = new Workload(options.Keys, options.ValueBytes);
        var results = new List<PointResult>();
        var series = new List<string>();
        var failures = new Dictionary<string, string>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kv bench: {options.Seconds.TotalSeconds:0.#} s per point, clients {string.Join(",", options.Clients)}, " +
            $"{options.ValueBytes}-byte values, {options.Keys} keys, systems {string.Join(",", options.Systems)}, " +
            $"workloads {string.Join(",", options.Workloads.Select(Workload.NameOf))}, actors paths {string.Join(",", options.Paths)}"));

        foreach (var system in options.Systems)
        {
            if (cancellationToken.IsCancellationRequested) break;
            IKvTarget target = system switch
            {
                "actors" => new ActorsTarget(options, workload),
                "etcd" => new EtcdTarget(options.WorkDir, workload),
                _ => new AkkaRemoteTarget(),
            };
            series.AddRange(target.Series);
            var failure = await MeasureAsync(target, options, results, cancellationToken);
            if (failure is not null)
            {
                failures[system] = failure;
                Console.Error.WriteLine($"{system}: not measured: {failure}");
            }
        }

        var table = ResultTable.Format(results, series, failures);
        Console.WriteLine();
        Console.Write(table);
        var file = WriteResults(options, table);
        Console.WriteLine($"written to {file}");

        if (cancellationToken.IsCancellationRequested) return 130;
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Sets up, warms up, measures every point and tears down one system; returns why it failed, or null.</summary>
    private static async Task<string?> MeasureAsync(IKvTarget target, BenchOptions options, List<PointResult> results, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var measured = 0L;
        try
        {
            Console.WriteLine($"{target.Name}: starting");
            await target.SetUpAsync(cancellationToken);
            // Writes fill the key space before anything is measured, so reads find values.
            var warmUp = await ClosedLoopRunner.RunAsync(target, target.Series[0], WorkloadKind.Write, options.WarmUpClients, options.WarmUpSeconds,
                cancellationToken);
            Console.WriteLine(string.Create(c,
                $"{target.Name} warm-up clients={warmUp.Clients}: {warmUp.Successes} ops in {warmUp.Elapsed.TotalSeconds:0.0} s"));
            foreach (var workload in target.HasWorkloads ? options.Workloads : [WorkloadKind.Read])
            foreach (var series in target.Series)
            foreach (var clients in options.Clients)
            {
                var r = await ClosedLoopRunner.RunAsync(target, series, workload, clients, options.Seconds, cancellationToken);
                results.Add(r);
                measured += r.Successes;
                Console.WriteLine(string.Create(c,
                    $"{r.System} {r.Workload} clients={r.Clients}: {r.Successes} ops in {r.Elapsed.TotalSeconds:0.0} s " +
                    $"({r.OpsPerSecond:0} ops/s, p50 {r.P50Ms:0.00} ms, p99 {r.P99Ms:0.00} ms, {r.Errors} errors, {r.Timeouts} timeouts)"));
            }
            return measured > 0 ? null : "no request succeeded at any concurrency";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return "interrupted";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            Console.WriteLine($"{target.Name}: stopping");
            try
            {
                await target.TearDownAsync();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"{target.Name}: tear-down failed: {e.Message}");
            }
        }
    }

    private static string WriteResults(BenchOptions options, string table)
    {
        var dir = Path.Combine(options.Root, "bench-results");
        Directory.CreateDirectory(dir);
        var now = DateTime.Now;
        var file = Path.Combine(dir, $"kv-{now:yyyyMMdd-HHmmss}.md");
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"""
            # kv bench {now:yyyy-MM-dd HH:mm:ss}

            Closed-loop clients, {options.ValueBytes}-byte random values, {options.Keys} random keys; workloads
            {string.Join(", ", options.Workloads.Select(Workload.NameOf))} (mixed: half reads); Actors reached {string.Join(" and ", options.Paths)}
            (direct: public messages to the nodes; client: one shared ActorsClient);
            {options.Seconds.TotalSeconds:0.#} s per point after a {options.WarmUpSeconds.TotalSeconds:0.#} s warm-up at {options.WarmUpClients} clients.
            Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.

            ```
            {table.TrimEnd()}
            ```

            """);
        File.WriteAllText(file, text);
        return file;
    }

    private static void Interrupt(PosixSignalContext context, CancellationTokenSource interrupted)
    {
        if (interrupted.IsCancellationRequested) return; // a second signal ends the process at once
        context.Cancel = true;
        Console.Error.WriteLine("interrupted: stopping the systems started so far...");
        interrupted.Cancel();
    }

    private static (BenchOptions Options, bool OwnWorkDir) Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "kv") throw new ArgumentException("the first argument must be 'kv' or 'ring'");
        var seconds = 10.0;
        var warmUp = 8.0;
        int[] clients = [1, 16, 64, 256];
        var systems = BenchOptions.KnownSystems.ToArray();
        WorkloadKind[] workloads = [WorkloadKind.Write, WorkloadKind.Mixed];
        var paths = BenchOptions.KnownPaths.ToArray();
        int keys = 10_000, valueBytes = 256, remoteBase = 24250, cmdBase = 29250;
        string? root = null, workDir = null;

        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            switch (name)
            {
                case "--seconds": seconds = Positive(name, value); break;
                case "--warmup-seconds": warmUp = Positive(name, value); break;
                case "--clients": clients = value.Split(',').Select(v => PositiveInt(name, v)).ToArray(); break;
                case "--systems": systems = Systems(value); break;
                case "--workload": workloads = List(name, value, Workload.Names).Select(Workload.Parse).ToArray(); break;
                case "--path": paths = List(name, value, BenchOptions.KnownPaths); break;
                case "--keys": keys = PositiveInt(name, value); break;
                case "--value-bytes": valueBytes = PositiveInt(name, value); break;
                case "--remote-base": remoteBase = PositiveInt(name, value); break;
                case "--cmd-base": cmdBase = PositiveInt(name, value); break;
                case "--root": root = Path.GetFullPath(value); break;
                case "--work-dir": workDir = Path.GetFullPath(value); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        root ??= RepoRoot.TryFind(Directory.GetCurrentDirectory()) ?? throw new ArgumentException("repository root not found; pass --root");
        if (!File.Exists(Path.Combine(root, "scripts", "local-cluster.sh")))
            throw new ArgumentException($"{root} has no scripts/local-cluster.sh");
        var ownWorkDir = workDir is null;
        workDir ??= Directory.CreateTempSubdirectory("actors-bench-").FullName;
        Directory.CreateDirectory(workDir);

        var options = new BenchOptions(TimeSpan.FromSeconds(seconds), clients, systems, TimeSpan.FromSeconds(warmUp), 64,
            keys, valueBytes, root, workDir, remoteBase, cmdBase, workloads, paths);
        return (options, ownWorkDir);
    }

    private static double Positive(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v <= int.MaxValue
            ? v
            : throw new ArgumentException($"{name} needs a positive number, got '{value}'");

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : throw new ArgumentException($"{name} needs a positive integer, got '{value}'");

    private static int RunRing(string[] args)
    {
        RingBench.Options options;
        try
        {
            int keys = 1_000_000, vnodes = 128;
            double epsilon = 0.1, seconds = 2;
            int[] sizes = [3, 10, 100];
            string? root = null;
            for (var i = 1; i < args.Length; i++)
            {
                var name = args[i];
                if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
                var value = args[++i];
                switch (name)
                {
                    case "--keys": keys = PositiveInt(name, value); break;
                    case "--vnodes": vnodes = PositiveInt(name, value); break;
                    case "--epsilon": epsilon = Positive(name, value); break;
                    case "--seconds": seconds = Positive(name, value); break;
                    case "--nodes":
                        sizes = value.Split(',').Select(v => PositiveInt(name, v)).ToArray();
                        if (sizes.Any(n => n < 2)) throw new ArgumentException("--nodes needs sizes of at least 2 (one node leaves)");
                        break;
                    case "--root": root = Path.GetFullPath(value); break;
                    default: throw new ArgumentException($"unknown option {name}");
                }
            }
            root ??= RepoRoot.TryFind(Directory.GetCurrentDirectory()) ?? throw new ArgumentException("repository root not found; pass --root");
            options = new RingBench.Options(keys, vnodes, epsilon, sizes, root, TimeSpan.FromSeconds(seconds));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(RingUsage);
            return 2;
        }
        using var interrupted = new CancellationTokenSource();
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupt(c, interrupted));
        try
        {
            return RingBench.Run(options, interrupted.Token);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    private static string[] Systems(string value) => List("--systems", value, BenchOptions.KnownSystems);

    /// <summary>A comma-separated list of names, each one of <paramref name="known"/>, duplicates dropped.</summary>
    private static string[] List(string option, string value, IReadOnlyList<string> known)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
        if (names.Length == 0 || names.Except(known).Any())
            throw new ArgumentException($"{option} takes {string.Join(",", known)}, got '{value}'");
        return names;
    }
}
