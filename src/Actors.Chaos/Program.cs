using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Actors.Chaos;
using Actors.Contracts.Client;
using Actors.Testing.Linearizability;
using Actors.Testing.Processes;
using Akka.Actor;
using Akka.Configuration;

// Exit codes: 0 no violation, 1 linearizability violation, lost acknowledged write, miscounted counter or a node holding more
// than max-pending commands, 2 usage or setup error.
var root = RepoRoot.Path;
ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args, root);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}\n{ChaosOptions.Usage}");
    return 2;
}

Directory.CreateDirectory(options.OutDir);
File.WriteAllText(Path.Combine(options.OutDir, "seed.txt"), options.Seed + "\n");
Console.WriteLine($"chaos: seed {options.Seed}, {options.Nodes} nodes, {options.Clients} clients, {options.Keys} keys, " +
                  $"{options.Duration.TotalSeconds:0} s, configuration {options.Configuration}, out {options.OutDir}");

using var abort = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);

// The checker assumes every key starts absent, so a run never reuses the data of an earlier run in the same directory.
var clusterDir = Path.Combine(options.OutDir, "cluster");
if (Directory.Exists(clusterDir))
{
    var live = Directory.GetFiles(clusterDir, "pid", SearchOption.AllDirectories)
        .Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var pid) ? pid : 0)
        .Where(pid => pid > 0 && Signals.IsAlive(pid)).ToList();
    if (live.Count > 0)
    {
        Console.Error.WriteLine($"chaos: a cluster is still running in {clusterDir} (pid {string.Join(", ", live)}); stop it first");
        return 2;
    }
    Console.WriteLine($"removing the cluster data of an earlier run in {clusterDir}");
    Directory.Delete(clusterDir, recursive: true);
}
var cluster = new ClusterControl(options, clusterDir);
ActorSystem? system = null;
var clients = new List<ActorsClient>();
try
{
    Console.WriteLine($"{Clock.Stamp} starting {options.Nodes} nodes...");
    var start = await cluster.Start();
    if (start.ExitCode != 0)
    {
        Console.Error.WriteLine($"chaos: cluster did not start:\n{start.Output}");
        return 2;
    }
    Console.WriteLine($"{Clock.Stamp} cluster ready");

    // Killed and paused nodes make the client system log disassociations by the hundred; outcomes say what matters.
    system = ActorSystem.Create("chaos", ConfigurationFactory.ParseString(
            "akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }\nakka.loglevel = OFF")
        .WithFallback(ActorsClientConfig.Default));
    var clientOptions = new ActorsClientOptions(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2));
    // Half the clients go straight to the leader, as ActorsClient does by default; the other half stay with the node
    // their cluster client reached, so followers forward writes and answer reads by read index under the faults too.
    for (var i = 0; i < options.Clients; i++)
        clients.Add(await ActorsClient.ConnectAsync(system, cluster.ContactPoints, clientOptions with { StraightToLeader = i % 2 == 0 }, abort.Token));
    Console.WriteLine($"{Clock.Stamp} {clients.Count} clients connected; running for {options.Duration.TotalSeconds:0} s");

    var history = new History();
    var flood = new LeaderFlood(system, cluster, options.MaxPending);
    var nemesis = new Nemesis(cluster, options.Seed, options.Counters, flood, foreign: true, options.Faults);
    using var stopClients = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
    var started = DateTime.UtcNow;
    var until = started + options.Duration;
    var workload = new Workload(clients, options.Keys, options.Seed, history).Run(stopClients.Token);
    var counterWorkload = new CounterWorkload(clients, options.Counters, options.Seed);
    var counterRun = counterWorkload.Run(stopClients.Token);
    var shared = new SharedIdWorkload(system, cluster.ContactPoints, options.Keys, options.Seed, history, options.Clients + 1);
    var sharedRun = shared.Run(stopClients.Token);
    var progress = Progress(history, stopClients.Token);

    await nemesis.Run(until, abort.Token);
    // From here to the end a node the cluster downs is started again, as a service manager would.
    using var stopKeeping = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
    var keeper = nemesis.KeepUp(stopKeeping.Token);
    var rest = until - DateTime.UtcNow;
    if (rest > TimeSpan.Zero && !abort.IsCancellationRequested)
    {
        try { await Task.Delay(rest, abort.Token); } catch (OperationCanceledException) { }
    }
    stopClients.Cancel();
    await workload;
    await counterRun;
    await sharedRun;
    await progress;
    if (abort.IsCancellationRequested)
    {
        Console.Error.WriteLine("chaos: interrupted");
        return 2;
    }

    Console.WriteLine($"{Clock.Stamp} workload stopped; waiting for every node to follow a leader");
    if (!await cluster.WaitAllFollowLeader(TimeSpan.FromSeconds(90)))
        Console.WriteLine($"{Clock.Stamp} warning: not every node reports the same leader; reading anyway");

    var finalState = await FinalReads(clients[0], options.Keys, history, abort.Token);
    var counterAdds = counterWorkload.Adds;
    var (counterValues, unreadable) = await counterWorkload.FinalValues(clients[0], abort.Token);
    await stopKeeping.CancelAsync();
    await keeper;
    var counterVerdicts = Actors.Testing.Counters.CounterCheck.Check(counterAdds, counterValues).Concat(unreadable.Select(id =>
        new Actors.Testing.Counters.CounterVerdict(id, 0, 0, 0, "not readable after the faults were healed"))).ToList();
    var ops = history.Snapshot();
    var json = new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
    File.WriteAllLines(Path.Combine(options.OutDir, "history.jsonl"), ops.Select(o => JsonSerializer.Serialize(o, json)));

    Console.WriteLine($"{Clock.Stamp} checking {ops.Count} operations...");
    // A get that timed out constrains nothing, so leaving it out changes no verdict and spares the search.
    var checkable = ops.Where(o => !(o.Kind == KvOpKind.Get && o.Outcome == KvOutcome.Indeterminate)).ToList();
    var (check, checkTime) = Report.Timed(() => LinearizabilityChecker.Check(checkable));
    var lost = AcknowledgedWrites.Lost(ops, finalState);
    var hostile = new HostileFacts(nemesis.Floods, nemesis.ForeignWrites, cluster.SnapshotInstallsSince(started),
        clients.Sum(c => c.SessionExpiredReplies), clients.Sum(c => c.Reissues), shared.Rejected);
    var violation = !check.IsLinearizable || lost.Count > 0 || counterVerdicts.Any(v => v.Problem is not null) || hostile.Unbounded;
    var elections = (Count: cluster.ElectionsSince(started), Minutes: (DateTime.UtcNow - started).TotalMinutes);
    var summary = Report.Summary(options, ops, nemesis.Faults, check, checkTime, lost, violation, nemesis.Revived, nemesis.NotBack,
        counterAdds, counterVerdicts, elections, hostile);
    File.WriteAllText(Path.Combine(options.OutDir, "summary.txt"), summary);
    Console.WriteLine();
    Console.Write(summary);
    Console.WriteLine($"history: {Path.Combine(options.OutDir, "history.jsonl")} (timestamps in Stopwatch ticks, {System.Diagnostics.Stopwatch.Frequency}/s)");
    return violation ? 1 : 0;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"chaos: setup error: {e.Message}");
    return 2;
}
finally
{
    foreach (var c in clients) await c.DisposeAsync();
    if (system is not null) await system.Terminate();
    await cluster.DisposeAsync();
}

void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("chaos: stopping (signal)...");
    abort.Cancel();
}

static async Task Progress(History history, CancellationToken stop)
{
    while (!stop.IsCancellationRequested)
    {
        try { await Task.Delay(TimeSpan.FromSeconds(10), stop); } catch (OperationCanceledException) { return; }
        var (total, ok, failed, unknown) = history.Counts();
        Console.WriteLine($"{Clock.Stamp} ops {total}: ok {ok}, failed {failed}, indeterminate {unknown}");
    }
}

static async Task<Dictionary<string, string?>> FinalReads(ActorsClient client, int keys, History history, CancellationToken abort)
{
    var state = new Dictionary<string, string?>();
    for (var k = 0; k < keys; k++)
    {
        var key = "k" + k;
        for (var attempt = 0; attempt < 10 && !abort.IsCancellationRequested; attempt++)
        {
            var op = await KvCaller.Run(client, 0, KvOpKind.Get, key, null, null);
            history.Add(op);
            if (op.Outcome != KvOutcome.Ok) continue;
            state[key] = op.Output;
            break;
        }
        if (!state.ContainsKey(key)) throw new InvalidOperationException($"final read of {key} never succeeded");
    }
    Console.WriteLine($"{Clock.Stamp} final state: {string.Join(", ", state.Select(kv => $"{kv.Key}={kv.Value ?? "<missing>"}"))}");
    return state;
}
