using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Actors.Testing.Processes;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Actors.Bench;

/// <summary>
/// <c>restart</c>: the crash of a whole cluster and its start again, measured for Actors and for etcd in one run. Each
/// system runs three nodes on loopback holding a number of keys; every process is killed with SIGKILL at once, all are
/// started again in parallel, and the time from the first start to the first acknowledged write is taken (a write
/// tried every 50 ms through any node, each try with a 1 s deadline); then every key written before the crash is read
/// back and any missing or changed counts as lost. Prints a row per round, the medians and their ratio, and writes the
/// table to <c>bench-results/restart-*.md</c>.
/// </summary>
public static class RestartBench
{
    public const string Usage = """
        usage: Actors.Bench restart [options]
          --rounds N              crashes and restarts per system (3)
          --keys N                keys written before the first crash (200)
          --systems LIST          any of actors,etcd (actors,etcd)
          --root DIR              repository root, for bench-results/ (found from the working directory)
          --work-dir DIR          scratch directory for the clusters' data and logs (a new temporary one)
          --remote-base N         Actors node i uses Akka.Remote port N+i (24250)
          --cmd-base N            Actors node i uses command port N+i (29250)
        """;

    private const int Nodes = 3;
    private static readonly TimeSpan TryEvery = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    /// <summary>One restart of one system: time to the first write after the start, keys lost.</summary>
    private sealed record Round(string System, int Number, double FirstWriteSeconds, int Lost);

    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = 3, keys = 200, remoteBase = 24250, cmdBase = 29250;
        var systems = new List<string> { "actors", "etcd" };
        string? root = null, workDir = null;
        try
        {
            for (var i = 1; i < args.Length; i++)
            {
                var name = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
                int Int(int min, int max) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                    ? v
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}");
                switch (name)
                {
                    case "--rounds": rounds = Int(1, 100); break;
                    case "--keys": keys = Int(1, 100_000); break;
                    case "--systems":
                        systems = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                        if (systems.Count == 0 || systems.Any(s => s is not ("actors" or "etcd")))
                            throw new ArgumentException("--systems takes actors and/or etcd");
                        break;
                    case "--root": root = Value(); break;
                    case "--work-dir": workDir = Value(); break;
                    case "--remote-base": remoteBase = Int(1024, 65000); break;
                    case "--cmd-base": cmdBase = Int(1024, 65000); break;
                    default: throw new ArgumentException($"unknown option '{name}'");
                }
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        root ??= RepoRoot.Path;
        var ownWorkDir = workDir is null;
        workDir ??= Path.Combine(Path.GetTempPath(), "actors-restart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDir);

        Console.WriteLine($"restart bench: {Nodes} nodes per system, {keys} keys, {rounds} rounds, systems {string.Join(",", systems)}");
        var results = new List<Round>();
        var failures = new Dictionary<string, string>();
        foreach (var system in systems)
        {
            try
            {
                if (system == "actors") await Actors(results, workDir, root, remoteBase, cmdBase, keys, rounds);
                else await Etcd(results, workDir, keys, rounds);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or RpcException)
            {
                failures[system] = e.Message;
                Console.Error.WriteLine($"{system}: not measured: {e.Message}");
            }
        }

        var table = Table(results, failures);
        Console.WriteLine();
        Console.Write(table);
        var dir = Path.Combine(root, "bench-results");
        Directory.CreateDirectory(dir);
        var now = DateTime.Now;
        var file = Path.Combine(dir, $"restart-{now:yyyyMMdd-HHmmss}.md");
        File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture, $"""
            # restart bench {now:yyyy-MM-dd HH:mm:ss}

            {Nodes} nodes per system on 127.0.0.1 holding {keys} keys; every process killed with SIGKILL at once and all
            started again in parallel; time from the first start to the first acknowledged write (tried every
            {TryEvery.TotalMilliseconds:0} ms through any node), then every key read back. {rounds} rounds per system.
            Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.

            ```
            {table.TrimEnd()}
            ```

            """));
        Console.WriteLine($"written to {file}");
        if (ownWorkDir && failures.Count == 0) Directory.Delete(workDir, recursive: true);
        return failures.Count == 0 ? 0 : 1;
    }

    private static string Table(List<Round> results, Dictionary<string, string> failures)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("system   round   first write (s)   keys lost");
        foreach (var r in results) sb.AppendLine(string.Create(c, $"{r.System,-8} {r.Number,5}   {r.FirstWriteSeconds,15:0.000}   {r.Lost,9}"));
        var medians = results.GroupBy(r => r.System).ToDictionary(g => g.Key, g => Median(g.Select(r => r.FirstWriteSeconds)));
        foreach (var (system, median) in medians) sb.AppendLine(string.Create(c, $"{system}: median {median:0.000} s to the first write, {results.Where(r => r.System == system).Sum(r => r.Lost)} keys lost"));
        if (medians.TryGetValue("actors", out var a) && medians.TryGetValue("etcd", out var e) && e > 0)
            sb.AppendLine(string.Create(c, $"ratio actors / etcd (median time to the first write): {a / e:0.0}x"));
        foreach (var (system, why) in failures) sb.AppendLine($"{system}: not measured: {why}");
        return sb.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Tries <paramref name="write"/> every <see cref="TryEvery"/> until it succeeds; returns the seconds since <paramref name="start"/>.</summary>
    private static async Task<double> FirstWrite(long start, Func<int, Task<bool>> write)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await write(attempt)) return Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (Stopwatch.GetElapsedTime(start) > GiveUpAfter)
                throw new TimeoutException($"no write succeeded within {GiveUpAfter.TotalSeconds:0} s of the restart");
            await Task.Delay(TryEvery);
        }
    }

    private static async Task Actors(List<Round> results, string workDir, string root, int remoteBase, int cmdBase, int keys, int rounds)
    {
        await using var cluster = new LocalClusterProcess(new LocalClusterOptions
        {
            RemoteBase = remoteBase,
            CmdBase = cmdBase,
            DataDir = Path.Combine(workDir, "actors"),
            EchoPrefix = "  [cluster] ",
        });
        var started = await cluster.Start(Nodes);
        if (started.ExitCode != 0) throw new InvalidOperationException($"local-cluster.sh start exited with {started.ExitCode}");
        async Task<bool> Put(int node, string key, string value)
        {
            try
            {
                return (await cluster.Command(node, "kv", "put", [key, value], TimeSpan.FromSeconds(1))).ExitCode == 0;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }
        Console.WriteLine($"actors: writing {keys} keys");
        for (var k = 0; k < keys; k++)
            if (!await Put(1 + k % Nodes, Key(k), Value(k)) && !await Put(1 + (k + 1) % Nodes, Key(k), Value(k)))
                throw new InvalidOperationException($"actors: the write of {Key(k)} before the crash failed");

        for (var round = 1; round <= rounds; round++)
        {
            await cluster.KillAll();
            var start = Stopwatch.GetTimestamp();
            var launched = await Task.WhenAll(Enumerable.Range(1, Nodes).Select(cluster.Launch));
            if (launched.FirstOrDefault(r => r.ExitCode != 0) is { } failed) throw new InvalidOperationException($"actors: launch failed: {failed.Output.Trim()}");
            var seconds = await FirstWrite(start, attempt => Put(1 + attempt % Nodes, "restart-probe", round.ToString(CultureInfo.InvariantCulture)));
            var lost = 0;
            for (var k = 0; k < keys; k++)
            {
                var got = await cluster.Command(1 + k % Nodes, "kv", "get", [Key(k)], TimeSpan.FromSeconds(10));
                if (got.ExitCode != 0 || got.Stdout.Trim() != Value(k)) lost++;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"actors: round {round}: first write {seconds:0.000} s after the restart, {lost} keys lost"));
            results.Add(new Round("actors", round, seconds, lost));
        }
        await cluster.Stop();
    }

    private static async Task Etcd(List<Round> results, string workDir, int keys, int rounds)
    {
        await using var etcd = new EtcdProcesses(Path.Combine(workDir, "etcd"));
        etcd.StartAll();
        var clients = Enumerable.Range(1, Nodes).Select(i => new EtcdClient(EtcdProcesses.ClientUrl(i))).ToList();
        try
        {
            async Task<bool> Put(int member, string key, string value)
            {
                try
                {
                    await clients[member].PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) },
                        null, DateTime.UtcNow.AddSeconds(1));
                    return true;
                }
                catch (RpcException)
                {
                    return false;
                }
            }
            Console.WriteLine($"etcd: writing {keys} keys");
            var ready = Stopwatch.GetTimestamp();
            await FirstWrite(ready, _ => Put(0, "ready", "1"));
            for (var k = 0; k < keys; k++)
                if (!await Put(k % Nodes, Key(k), Value(k)) && !await Put((k + 1) % Nodes, Key(k), Value(k)))
                    throw new InvalidOperationException($"etcd: the write of {Key(k)} before the crash failed");

            for (var round = 1; round <= rounds; round++)
            {
                await etcd.KillAll();
                var start = Stopwatch.GetTimestamp();
                etcd.StartAll();
                var seconds = await FirstWrite(start, attempt => Put(attempt % Nodes, "restart-probe", round.ToString(CultureInfo.InvariantCulture)));
                var lost = 0;
                for (var k = 0; k < keys; k++)
                {
                    var got = await clients[k % Nodes].GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Key(k)) }, null, DateTime.UtcNow.AddSeconds(10));
                    if (got.Kvs.Count != 1 || got.Kvs[0].Value.ToStringUtf8() != Value(k)) lost++;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"etcd: round {round}: first write {seconds:0.000} s after the restart, {lost} keys lost"));
                results.Add(new Round("etcd", round, seconds, lost));
            }
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static string Key(int k) => "restart-key-" + k.ToString(CultureInfo.InvariantCulture);

    private static string Value(int k) => "value-" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Three etcd members on loopback with data directories under one folder, started and killed by PID.</summary>
    private sealed class EtcdProcesses(string dir) : IAsyncDisposable
    {
        private const int ClientPortBase = 23890;
        private const int PeerPortBase = 23900;
        private readonly Process?[] _members = new Process?[Nodes + 1];

        public static string ClientUrl(int member) => $"http://127.0.0.1:{ClientPortBase + member}";

        private static string PeerUrl(int member) => $"http://127.0.0.1:{PeerPortBase + member}";

        /// <summary>Starts every member; on a data directory that exists, etcd restarts the member from it.</summary>
        public void StartAll()
        {
            Directory.CreateDirectory(dir);
            var cluster = string.Join(",", Enumerable.Range(1, Nodes).Select(i => $"m{i}={PeerUrl(i)}"));
            for (var i = 1; i <= Nodes; i++)
            {
                _members[i] = ChildProcess.StartLogged("etcd",
                [
                    "--name", $"m{i}", "--data-dir", Path.Combine(dir, $"m{i}.data"),
                    "--listen-client-urls", ClientUrl(i), "--advertise-client-urls", ClientUrl(i),
                    "--listen-peer-urls", PeerUrl(i), "--initial-advertise-peer-urls", PeerUrl(i),
                    "--initial-cluster", cluster, "--initial-cluster-token", "restart-bench", "--initial-cluster-state", "new",
                ], Path.Combine(dir, $"m{i}.log"));
                File.WriteAllText(Path.Combine(dir, $"m{i}.pid"), _members[i]!.Id.ToString(CultureInfo.InvariantCulture));
            }
        }

        /// <summary>SIGKILL to every member at once, then waits until each has exited.</summary>
        public async Task KillAll()
        {
            var running = _members.OfType<Process>().ToList();
            foreach (var p in running) Signals.Send(p.Id, Signals.SigKill);
            foreach (var p in running)
            {
                await p.WaitForExitAsync();
                p.Dispose();
            }
            Array.Clear(_members);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var p in _members.OfType<Process>())
            {
                await ChildProcess.StopAsync(p, TimeSpan.FromSeconds(10));
                p.Dispose();
            }
            Array.Clear(_members);
        }
    }
}
