namespace Actors.Chaos;

/// <summary>
/// Injects faults on two lanes that run at the same time, so that process and network faults overlap:
/// <list type="bullet">
/// <item>the process lane kills (SIGKILL) or pauses (SIGSTOP) a random node or the leader, holds 1 to 3 s, then
/// resumes it or starts it again; a killed node restarts in the background and the lane goes on, but never more than
/// a minority of the nodes is paused or down at once. The exception is the restart of every node (kill -9 of all of
/// them at once), which waits until every node is running, holds the whole cluster down, and returns only once every
/// node is Up again with a leader;</item>
/// <item>the network lane partitions (majority/minority, isolated leader, bridge), cuts one way, slows or drops the Paxos
/// traffic among chosen nodes or the leader's read grants, floods a cut-off leader, or starts a node of another log beside
/// the cluster; it holds 2 to 4 s, then heals.</item>
/// </list>
/// Each lane waits a calm of 1 to 2 s between its faults and takes its kinds from a deck shuffled with
/// <c>System.Random</c> seeded from the run's seed: every kind comes once per round, so the counts stay even. The
/// first cards are fixed (a leader kill; a partition, then the foreign node), so every run has them.
/// </summary>
public sealed class Nemesis(ClusterControl cluster, int seed, int counters = 0, LeaderFlood? flood = null, bool foreign = false,
    IReadOnlySet<FaultKind>? only = null)
{
    private static readonly FaultKind[] ProcessKinds =
        [FaultKind.KillNode, FaultKind.KillLeader, FaultKind.PauseNode, FaultKind.PauseLeader, FaultKind.RestartAll, FaultKind.StaleIncarnation];

    /// <summary>
    /// How long a stale incarnation is frozen: longer than the cluster takes to notice the node is gone (about 5 s), to
    /// decide (split-brain resolver, 5 s), to remove it and start its shards elsewhere (1 s margin and a few more).
    /// </summary>
    public static readonly TimeSpan StaleHold = TimeSpan.FromSeconds(16);
    private static readonly FaultKind[] NetworkKinds =
        [FaultKind.Partition, FaultKind.IsolateLeader, FaultKind.Bridge, FaultKind.DeafNode, FaultKind.DeafLeader, FaultKind.SlowLinks,
            FaultKind.SlowGrants, FaultKind.LossyLinks, FaultKind.FloodLeader, FaultKind.ForeignNode];

    private readonly List<FloodOutcome> _floods = [];

    /// <summary>What each <see cref="FaultKind.FloodLeader"/> found.</summary>
    public IReadOnlyList<FloodOutcome> Floods
    {
        get
        {
            lock (_floods) return _floods.ToList();
        }
    }

    /// <summary>Foreign nodes that started, wrote in their own log and were stopped.</summary>
    public int ForeignWrites => _foreignWrites;

    private int _foreignWrites;

    private readonly List<FaultRecord> _faults = [];
    private readonly List<Task> _restarts = [];
    private int _numbers;

    /// <summary>The faults injected and healed so far, in the order they were injected.</summary>
    public IReadOnlyList<FaultRecord> Faults
    {
        get
        {
            lock (_faults) return _faults.OrderBy(f => f.Number).ToList();
        }
    }

    /// <summary>At most this many nodes are paused or down at once: a minority.</summary>
    private int MaxUnavailable => (cluster.Nodes - 1) / 2;

    /// <summary>
    /// Injects faults until <paramref name="until"/> (no fault starts when it could not be healed by then) or
    /// until <paramref name="abort"/> fires; returns when every injected fault is healed and every killed node is Up
    /// (each fault heals itself: pauses are resumed, links healed and restarts awaited, also on the way out).
    /// </summary>
    public async Task Run(DateTime until, CancellationToken abort)
    {
        var process = Lane(ProcessKinds, [FaultKind.KillLeader], new Random(seed), until, abort);
        // The foreign node takes the longest of the network faults (a node's start and join): it comes early, so a short run
        // has time for every other kind after it.
        var network = Lane(NetworkKinds, [FaultKind.Partition, FaultKind.ForeignNode], new Random(unchecked(seed * 31 + 17)), until, abort);
        using var lanesDone = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var watchdog = Watchdog(lanesDone.Token);
        try
        {
            await Task.WhenAll(process, network);
        }
        finally
        {
            await lanesDone.CancelAsync();
            await watchdog;
        }
        try
        {
            // A node the cluster downed after the lanes ended is started again too, so the run ends with every node Up.
            foreach (var node in await cluster.TakeExited()) lock (_restarts) _restarts.Add(Revive(node));
        }
        finally
        {
            Task[] restarts;
            lock (_restarts) restarts = [.. _restarts];
            try
            {
                await Task.WhenAll(restarts);
            }
            catch (InvalidOperationException) when (!abort.IsCancellationRequested)
            {
                // A node that does not come back is an availability problem, not a reason to throw away the history:
                // the check runs with the nodes that are Up (the final reads need a majority only).
                foreach (var failed in restarts.Where(t => t.IsFaulted))
                    Console.WriteLine($"{Clock.Stamp} warning: {failed.Exception!.InnerException!.Message}; checking the history anyway");
                NotBack = restarts.Count(t => t.IsFaulted);
            }
        }
    }

    /// <summary>Restarts that had not brought their node Up in time when the run ended.</summary>
    public int NotBack { get; private set; }

    private async Task Lane(FaultKind[] allKinds, FaultKind[] allFirst, Random random, DateTime until, CancellationToken abort)
    {
        // Only the kinds asked for (--faults); a lane with none of them injects nothing.
        var kinds = allKinds.Where(k => only is null || only.Contains(k)).ToArray();
        var first = allFirst.Where(kinds.Contains).ToArray();
        if (kinds.Length == 0) return;
        var deck = new Queue<FaultKind>([.. first, .. kinds.Where(k => !first.Contains(k)).OrderBy(_ => random.Next())]);
        var processLane = allKinds == ProcessKinds;
        try
        {
            while (!abort.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1 + random.NextDouble()), abort);
                if (deck.Count == 0) deck = new Queue<FaultKind>(kinds.OrderBy(_ => random.Next()));
                var kind = deck.Dequeue();
                var hold = TimeSpan.FromSeconds(processLane ? 1 + 2 * random.NextDouble() : 2 + 2 * random.NextDouble());
                // Every parameter is drawn whatever the kind, so the schedule depends on the seed alone.
                var order = Enumerable.Range(1, cluster.Nodes).OrderBy(_ => random.Next()).ToArray();
                var minority = 1 + random.Next((cluster.Nodes - 1) / 2);
                var subset = 2 + random.Next(cluster.Nodes - 1);
                var delayMs = random.Next(50, 301);
                var dropP = Math.Round(0.1 + 0.3 * random.NextDouble(), 2);
                var grantDelayMs = random.Next(500, 1501);
                if (DateTime.UtcNow + hold + TimeSpan.FromSeconds(2) > until) break;

                if (processLane)
                    await ProcessFault(kind, order, hold, until, abort);
                else if (kind == FaultKind.ForeignNode)
                    await ForeignNode(hold, until, abort);
                else
                    await NetworkFault(kind, order, minority, subset, delayMs, dropP, grantDelayMs, hold, abort);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessFault(FaultKind kind, int[] order, TimeSpan hold, DateTime until, CancellationToken abort)
    {
        if (kind == FaultKind.RestartAll)
        {
            await RestartAll(hold, until, abort);
            return;
        }
        if (kind == FaultKind.StaleIncarnation)
        {
            await StaleIncarnation(order, until, abort);
            return;
        }

        // Wait for room: a majority must stay running apart from this fault.
        if (!await WaitFor(() => cluster.Unavailable < MaxUnavailable, until, abort)) return;
        if (DateTime.UtcNow + hold + TimeSpan.FromSeconds(2) > until) return;
        var leader = kind is FaultKind.KillLeader or FaultKind.PauseLeader ? await cluster.Leader() : null;
        var running = cluster.Running;
        var node = leader is { } l && running.Contains(l) ? l : order.FirstOrDefault(running.Contains);
        if (node == 0) return;

        var injected = Clock.Now;
        var kill = kind is FaultKind.KillNode or FaultKind.KillLeader;
        // Only this lane kills or pauses, so the node is still running; the check is the node lock's.
        if (!(kill ? await cluster.Kill(node) : await cluster.Pause(node))) return;
        var number = Interlocked.Increment(ref _numbers);
        var description = kill ? $"kill -9 node {node}" : $"SIGSTOP node {node}";
        Console.WriteLine($"{Clock.Stamp} fault #{number} {kind}: {description} (for {hold.TotalSeconds:0.0}s)");
        try
        {
            await Task.Delay(hold, abort);
        }
        finally
        {
            if (kill)
            {
                // The lane goes on while the node starts and rejoins; the fault counts as healed once it is Up.
                var restart = RestartAndRecord(node, number, kind, description, injected);
                lock (_restarts) _restarts.Add(restart);
            }
            else
            {
                await cluster.Resume(node);
                Record(number, kind, description, injected);
            }
        }
    }

    /// <summary>
    /// Kills every node at once and starts them all again. Only one process fault runs at a time here: this waits until
    /// every node is running (earlier kills restarted, pauses resumed), <see cref="ClusterControl.KillAll"/> holds every
    /// node's lock while it kills, and the lane waits for the heal before it draws its next fault.
    /// </summary>
    /// <summary>Nodes whose process ended on their own while they counted as running, started again so far.</summary>
    public int Revived => _revived;

    private int _revived;

    /// <summary>
    /// After the faults: goes on starting again every node whose process ends on its own (the cluster downs a node that
    /// was partitioned or slow when the faults ended, also while the final reads run) until <paramref name="stop"/>, then
    /// waits for the restarts in progress.
    /// </summary>
    public async Task KeepUp(CancellationToken stop)
    {
        await Watchdog(stop);
        Task[] restarts;
        lock (_restarts) restarts = [.. _restarts];
        try
        {
            await Task.WhenAll(restarts);
        }
        catch (InvalidOperationException)
        {
            NotBack = restarts.Count(t => t.IsFaulted);
        }
    }

    /// <summary>Once a second, starts again every node whose process ended on its own (downed by the cluster).</summary>
    private async Task Watchdog(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            foreach (var node in await cluster.TakeExited()) lock (_restarts) _restarts.Add(Revive(node));
        }
    }

    private async Task Revive(int node)
    {
        Interlocked.Increment(ref _revived);
        Console.WriteLine($"{Clock.Stamp} node {node} exited on its own (downed by the cluster, see its node.log); starting it again");
        await cluster.Restart(node);
        Console.WriteLine($"{Clock.Stamp} node {node} is back");
    }

    private async Task RestartAll(TimeSpan hold, DateTime until, CancellationToken abort)
    {
        if (!await WaitFor(() => cluster.Unavailable == 0, until, abort)) return;
        if (DateTime.UtcNow + hold + TimeSpan.FromSeconds(2) > until) return;

        var injected = Clock.Now;
        if (!await cluster.KillAll()) return;
        var number = Interlocked.Increment(ref _numbers);
        var description = $"kill -9 nodes {Ids(Enumerable.Range(1, cluster.Nodes))}";
        Console.WriteLine($"{Clock.Stamp} fault #{number} {FaultKind.RestartAll}: {description} (for {hold.TotalSeconds:0.0}s)");
        Task restart;
        try
        {
            await Task.Delay(hold, abort);
        }
        finally
        {
            // Healed once every node is Up and knows a leader; on the way out (abort) Run still awaits the restart.
            restart = RestartEveryNode(number, description, injected);
            lock (_restarts) _restarts.Add(restart);
        }
        await restart;
    }

    /// <summary>
    /// Freezes the node holding a counter's shard (a random node when no counter has a home yet) for
    /// <see cref="StaleHold"/> and resumes it. The counter is drawn from the lane's own order, so the schedule stays a
    /// function of the seed; where its shard lives is the cluster's answer.
    /// </summary>
    private async Task StaleIncarnation(int[] order, DateTime until, CancellationToken abort)
    {
        if (!await WaitFor(() => cluster.Unavailable < MaxUnavailable, until, abort)) return;
        if (MaxUnavailable == 0 || DateTime.UtcNow + StaleHold + TimeSpan.FromSeconds(2) > until) return;
        var counter = counters > 0 ? CounterWorkload.CounterId(order[0] % counters) : null;
        var holder = counter is null ? null : await cluster.NodeHolding(counter);
        var running = cluster.Running;
        var node = holder is { } h && running.Contains(h) ? h : order.FirstOrDefault(running.Contains);
        if (node == 0) return;

        var injected = Clock.Now;
        if (!await cluster.Pause(node)) return;
        var number = Interlocked.Increment(ref _numbers);
        var description = holder == node ? $"SIGSTOP node {node} (holds {counter})" : $"SIGSTOP node {node}";
        Console.WriteLine($"{Clock.Stamp} fault #{number} {FaultKind.StaleIncarnation}: {description} (for {StaleHold.TotalSeconds:0}s, so its shards move)");
        try
        {
            await Task.Delay(StaleHold, abort);
        }
        finally
        {
            // Resumed, it is a stale incarnation until it learns it was removed; the watchdog starts it again then.
            await cluster.Resume(node);
            Record(number, FaultKind.StaleIncarnation, description, injected);
        }
    }

    private async Task RestartEveryNode(int number, string description, long injected)
    {
        await Task.WhenAll(Enumerable.Range(1, cluster.Nodes).Select(cluster.Restart));
        Record(number, FaultKind.RestartAll, description, injected);
    }

    private async Task RestartAndRecord(int node, int number, FaultKind kind, string description, long injected)
    {
        await cluster.Restart(node);
        Record(number, kind, description, injected);
    }

    private async Task NetworkFault(FaultKind kind, int[] order, int minority, int subset, int delayMs, double dropP, int grantDelayMs,
        TimeSpan hold, CancellationToken abort)
    {
        var number = Interlocked.Increment(ref _numbers);
        var injected = Clock.Now;
        var (description, target) = await InjectNetwork(kind, order, minority, subset, delayMs, dropP, grantDelayMs);
        Console.WriteLine($"{Clock.Stamp} fault #{number} {kind}: {description} (for {hold.TotalSeconds:0.0}s)");
        try
        {
            if (kind == FaultKind.FloodLeader && flood is not null && target is { } cutOff)
            {
                // The flood runs for the hold: its writes wait in the cut-off node while its queue is read.
                var outcome = await flood.Run(cutOff, hold);
                lock (_floods) _floods.Add(outcome);
                Console.WriteLine($"{Clock.Stamp} flood of node {cutOff}: {outcome.Sent} writes, {outcome.Overloaded} refused as overloaded, " +
                                  $"at most {outcome.MostHeld?.ToString() ?? "?"} held (max-pending {outcome.MaxPending})");
            }
            else
                await Task.Delay(hold, abort);
        }
        finally
        {
            await cluster.HealLinks();
            Record(number, kind, description, injected);
        }
    }

    private void Record(int number, FaultKind kind, string description, long injected)
    {
        lock (_faults) _faults.Add(new FaultRecord(number, kind, description, injected, Clock.Now));
        Console.WriteLine($"{Clock.Stamp} healed #{number}");
    }

    /// <summary>
    /// Applies a link fault and describes it, with the node it singles out (the leader it cut off), if any. Rules go to the
    /// nodes that are running; a paused or down node is left out, which turns its side of the fault one-way until the heal.
    /// </summary>
    private async Task<(string Description, int? Target)> InjectNetwork(FaultKind kind, int[] order, int minority, int subset, int delayMs, double dropP, int grantDelayMs)
    {
        switch (kind)
        {
            case FaultKind.Partition:
            {
                var small = order.Take(minority).ToArray();
                await Partition(small, order.Except(small).ToArray());
                return ($"partition {Ids(small)} | {Ids(order.Except(small))}", null);
            }
            case FaultKind.IsolateLeader or FaultKind.FloodLeader:
            {
                // A flood is judged only at a node that leads when it begins (a follower would forward the writes).
                var leader = (kind == FaultKind.FloodLeader ? await cluster.SelfDeclaredLeader() : await cluster.Leader()) ?? order[0];
                var rest = order.Where(n => n != leader).ToArray();
                await Partition([leader], rest);
                return ($"isolate leader {leader} | {Ids(rest)}{(kind == FaultKind.FloodLeader ? " and flood it" : "")}", leader);
            }
            case FaultKind.Bridge:
            {
                var bridge = order[0];
                var rest = order[1..];
                var a = rest.Take(rest.Length / 2).ToArray();
                var b = rest.Skip(rest.Length / 2).ToArray();
                await Partition(a, b);
                return ($"bridge {bridge} between {Ids(a)} and {Ids(b)}", null);
            }
            case FaultKind.DeafNode:
            {
                var deaf = order[0];
                await Deafen(deaf, order[1..]);
                return ($"one-way: {deaf} hears none of {Ids(order[1..])}", null);
            }
            case FaultKind.DeafLeader:
            {
                var leader = await cluster.Leader() ?? order[0];
                var rest = order.Where(n => n != leader).ToArray();
                await Deafen(leader, rest);
                return ($"one-way: leader {leader} hears none of {Ids(rest)}", null);
            }
            case FaultKind.SlowLinks:
            {
                var chosen = order.Take(subset).ToArray();
                foreach (var n in chosen) await cluster.Faults(n, "delay", Ids(chosen.Where(o => o != n)), delayMs.ToString());
                return ($"delay {delayMs} ms among {Ids(chosen)}", null);
            }
            case FaultKind.SlowGrants:
            {
                var leader = await cluster.Leader() ?? order[0];
                var rest = order.Where(n => n != leader).ToArray();
                await cluster.Faults(leader, "delay-grants", Ids(rest), grantDelayMs.ToString());
                return ($"leader {leader} delays its read grants to {Ids(rest)} by {grantDelayMs} ms", null);
            }
            case FaultKind.LossyLinks:
            {
                var chosen = order.Take(subset).ToArray();
                var p = dropP.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var n in chosen) await cluster.Faults(n, "drop", Ids(chosen.Where(o => o != n)), p);
                return ($"drop {p} among {Ids(chosen)}", null);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>
    /// Starts a node of another log beside the cluster (<see cref="ClusterControl.StartForeign"/>), has it write key k0 in its
    /// own log, holds, and stops it by its PID. Its start and write take some seconds; it counts as healed once it is stopped.
    /// </summary>
    private async Task ForeignNode(TimeSpan hold, DateTime until, CancellationToken abort)
    {
        if (!foreign || DateTime.UtcNow + TimeSpan.FromSeconds(40) > until) return;
        var number = Interlocked.Increment(ref _numbers);
        var injected = Clock.Now;
        var value = $"foreign-{number}";
        var description = $"node {cluster.Nodes + 1} of a log of its own joins and writes k0={value}";
        Console.WriteLine($"{Clock.Stamp} fault #{number} {FaultKind.ForeignNode}: {description}");
        var process = cluster.StartForeign();
        try
        {
            var wrote = false;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!wrote && DateTime.UtcNow < deadline && !abort.IsCancellationRequested && !process.HasExited)
            {
                wrote = await cluster.ForeignCommand("kv", "put", "k0", value) is { ExitCode: 0 };
                if (!wrote) await Task.Delay(500, abort);
            }
            if (wrote) Interlocked.Increment(ref _foreignWrites);
            Console.WriteLine($"{Clock.Stamp} foreign node {(wrote ? "wrote k0 in its own log" : process.HasExited ? "exited" : "wrote nothing in 30 s")}; " +
                              $"it stays for {hold.TotalSeconds:0.0}s");
            await Task.Delay(hold, abort);
        }
        finally
        {
            await cluster.StopForeign(process);
            process.Dispose();
            Record(number, FaultKind.ForeignNode, description, injected);
        }
    }

    private async Task Partition(int[] left, int[] right)
    {
        foreach (var n in left) await cluster.Faults(n, "block", Ids(right));
        foreach (var n in right) await cluster.Faults(n, "block", Ids(left));
    }

    /// <summary>Every node of <paramref name="others"/> drops its Paxos messages to <paramref name="deaf"/>; nothing else is cut.</summary>
    private async Task Deafen(int deaf, int[] others)
    {
        foreach (var n in others) await cluster.Faults(n, "block", deaf.ToString());
    }

    private static string Ids(IEnumerable<int> ids) => string.Join(',', ids);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds; false when <paramref name="until"/> passes first (a node whose
    /// restart never brought it Up stays down, and the lane must still end with the run).
    /// </summary>
    private static async Task<bool> WaitFor(Func<bool> condition, DateTime until, CancellationToken abort)
    {
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(200, abort);
        }
        return true;
    }
}
