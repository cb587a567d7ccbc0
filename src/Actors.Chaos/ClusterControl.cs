using Actors.Testing.Processes;

namespace Actors.Chaos;

/// <summary>
/// The fault injector's view of a local cluster run by a <see cref="LocalClusterProcess"/>: what each node is doing
/// (running, paused, down), which nodes carry link faults, and a lock per node. Faults on different nodes may overlap:
/// every action on a node holds that node's lock, so a node is never paused or killed while a command to it is in
/// flight, and commands go only to nodes that are running.
/// </summary>
public sealed class ClusterControl : IAsyncDisposable
{
    private readonly LocalClusterProcess _cluster;
    private readonly NodeState[] _state;
    private readonly SemaphoreSlim[] _locks;
    private readonly bool[] _linkRules;
    private readonly object _sync = new();

    /// <summary>Prepares control of the cluster <paramref name="options"/> describe, with its data under <paramref name="data"/>; nothing runs yet.</summary>
    public ClusterControl(ChaosOptions options, string data)
    {
        Nodes = options.Nodes;
        _state = new NodeState[Nodes + 1];
        _locks = Enumerable.Range(0, Nodes + 1).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        _linkRules = new bool[Nodes + 1];
        _cluster = new LocalClusterProcess(new LocalClusterOptions
        {
            RemoteBase = options.RemoteBase,
            CmdBase = options.CmdBase,
            DataDir = data,
            ExtraConfig = "actors.faults.enabled = on\n" + (options.SessionTtlSeconds > 0 ? $"actors.kv.session-ttl = {options.SessionTtlSeconds}s\n" : "") +
                          $"actors.paxos.max-pending = {options.MaxPending}\n" +
                          // A leader keeps at most InFlightCapacity commands in phase 2 (its window of max-batch slots): a
                          // cut-off leader's other commands wait in its queue, where max-pending bounds them.
                          $"actors.paxos.max-window = {MaxWindow}\nactors.paxos.max-batch = {MaxBatch}\n" +
                          $"actors.paxos.snapshot-every = {options.SnapshotEvery}\n" +
                          $"actors.paxos.snapshot-chunk-bytes = {options.SnapshotChunkBytes}\n",
            Configuration = options.Configuration,
            ReadyWait = RestartTimeout,
        });
    }

    private const int MaxWindow = 4;
    private const int MaxBatch = 32;

    /// <summary>The most commands a leader of this cluster keeps in flight: max-window slots of max-batch commands.</summary>
    public const int InFlightCapacity = MaxWindow * MaxBatch;

    /// <summary>What a node is doing, as far as the fault injector knows.</summary>
    public enum NodeState
    {
        /// <summary>Running and answering.</summary>
        Running,

        /// <summary>Stopped with SIGSTOP.</summary>
        Paused,

        /// <summary>Killed, or started again but not yet Up.</summary>
        Down,
    }

    /// <summary>Cluster size; node ids are 1..Nodes.</summary>
    public int Nodes { get; }

    /// <summary>How long a restarted node may take to be Up and follow a leader.</summary>
    public static TimeSpan RestartTimeout { get; } = TimeSpan.FromSeconds(120);

    /// <summary>Node ids that are running (neither killed nor paused).</summary>
    public IReadOnlyList<int> Running
    {
        get { lock (_sync) return Enumerable.Range(1, Nodes).Where(i => _state[i] == NodeState.Running).ToList(); }
    }

    /// <summary>Node ids that are paused or down.</summary>
    public int Unavailable
    {
        get { lock (_sync) return Enumerable.Range(1, Nodes).Count(i => _state[i] != NodeState.Running); }
    }

    /// <summary>Akka addresses of every node, for client contact points.</summary>
    public IReadOnlyList<string> ContactPoints => _cluster.ContactPoints(Nodes);

    /// <summary>The state of node <paramref name="node"/>.</summary>
    public NodeState StateOf(int node)
    {
        lock (_sync) return _state[node];
    }

    /// <summary>Starts every node and waits until all are Up and a leader is known.</summary>
    public Task<ProcessRun> Start() => _cluster.Start(Nodes);

    /// <summary>SIGKILLs node <paramref name="node"/> if it is running; false when it was not.</summary>
    public async Task<bool> Kill(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return false;
            var run = await _cluster.Kill(node);
            if (run.ExitCode != 0) throw new InvalidOperationException($"kill of node {node} failed: {run.Output.Trim()}");
            MarkKilled(node);
            return true;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>
    /// SIGKILLs every node at once, by PID, if every node is running; false (and nothing killed) when one is not.
    /// Every node's lock is held while the signals go out, so no command is in flight to any of them; afterwards every
    /// node is down and takes no command until <see cref="Restart"/> has brought it back.
    /// </summary>
    public async Task<bool> KillAll()
    {
        var all = Enumerable.Range(1, Nodes).ToList();
        foreach (var node in all) await _locks[node].WaitAsync(); // always in id order, so no two callers deadlock
        try
        {
            if (all.Any(n => StateOf(n) != NodeState.Running)) return false;
            var killed = await _cluster.KillAll();
            if (killed.Count != Nodes)
                throw new InvalidOperationException($"kill of every node found only nodes {string.Join(',', killed)} running");
            foreach (var node in all) MarkKilled(node);
            return true;
        }
        finally
        {
            foreach (var node in all) _locks[node].Release();
        }
    }

    /// <summary>
    /// Starts a killed node again and waits until it is Up and follows a leader; it counts as down until then. A node
    /// whose process ends before it is Up (the cluster downed it while it was starting, which a starved machine can
    /// provoke when every node starts at once) is launched again, as a service manager would, within the same
    /// <see cref="RestartTimeout"/>.
    /// </summary>
    public async Task Restart(int node)
    {
        await Launch(node);
        var up = await LocalClusterProcess.WaitUntil(async () =>
        {
            if (await _cluster.IsUp(node)) return true;
            if (_cluster.IsRunning(node)) return false;
            Console.WriteLine($"{Clock.Stamp} node {node} exited before it was Up (see {_cluster.DataDir}/node-{node}/node.log); launching it again");
            await Launch(node);
            return false;
        }, RestartTimeout);
        if (!up)
            throw new InvalidOperationException($"node {node} not Up {RestartTimeout.TotalSeconds:0} s after its restart; " +
                                                $"the end of {_cluster.DataDir}/node-{node}/node.log:\n{LogTail(node, 40)}");
        lock (_sync) _state[node] = NodeState.Running;
    }

    /// <summary>
    /// Elections won since <paramref name="since"/> (UTC): the times a node logged that it began to lead ("leads at ballot ...
    /// (this node)"), in every node's log.
    /// </summary>
    public int ElectionsSince(DateTime since) =>
        LogLinesSince(since, line => line.Contains("leads at ballot", StringComparison.Ordinal) && line.Contains("(this node)", StringComparison.Ordinal));

    /// <summary>Snapshots installed since <paramref name="since"/> (UTC) by a replica that caught up from a peer, in every node's log.</summary>
    public int SnapshotInstallsSince(DateTime since) =>
        LogLinesSince(since, line => line.Contains("replica: installing the snapshot through slot", StringComparison.Ordinal));

    /// <summary>Lines of every node's log stamped at or after <paramref name="since"/> (UTC) that <paramref name="match"/> accepts.</summary>
    private int LogLinesSince(DateTime since, Func<string, bool> match)
    {
        var count = 0;
        for (var node = 1; node <= Nodes; node++)
        {
            var path = Path.Combine(_cluster.DataDir, $"node-{node}", "node.log");
            if (!File.Exists(path)) continue;
            foreach (var line in File.ReadLines(path))
            {
                if (!match(line)) continue;
                var at = System.Text.RegularExpressions.Regex.Match(line, @"\[(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d+)Z\]");
                if (at.Success && DateTime.TryParseExact(at.Groups[1].Value, "MM/dd/yyyy HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t) && t >= since)
                    count++;
            }
        }
        return count;
    }

    /// <summary>The last <paramref name="lines"/> lines of node <paramref name="node"/>'s log, for an error that names it.</summary>
    private string LogTail(int node, int lines)
    {
        var path = Path.Combine(_cluster.DataDir, $"node-{node}", "node.log");
        try
        {
            return string.Join("\n", File.ReadLines(path).TakeLast(lines).Select(l => l.Length > 300 ? l[..300] + "..." : l));
        }
        catch (IOException e)
        {
            return $"(cannot read it: {e.Message})";
        }
    }

    private async Task Launch(int node)
    {
        var run = await _cluster.Launch(node);
        if (run.ExitCode != 0) throw new InvalidOperationException($"restart of node {node} failed: {run.Output.Trim()}");
    }

    /// <summary>Freezes node <paramref name="node"/> with SIGSTOP if it is running; false when it was not.</summary>
    public async Task<bool> Pause(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return false;
            _cluster.Pause(node);
            lock (_sync) _state[node] = NodeState.Paused;
            return true;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>Resumes a paused node with SIGCONT.</summary>
    public async Task Resume(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Paused) return;
            _cluster.Resume(node);
            lock (_sync) _state[node] = NodeState.Running;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>Stops the whole cluster by PID (paused nodes are continued first) and prints what the script says. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        // A foreign node this run started and did not get to stop (an abort in the middle of its fault).
        if (File.Exists(ForeignPidFile) && int.TryParse(File.ReadAllText(ForeignPidFile).Trim(), out var foreign) && Signals.IsAlive(foreign))
        {
            Signals.Send(foreign, Signals.SigKill);
            File.Delete(ForeignPidFile);
        }
        try
        {
            var run = await _cluster.Stop();
            Console.WriteLine(run.Output.TrimEnd());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"chaos: stopping the cluster failed: {e.Message}");
        }
        await _cluster.DisposeAsync();
    }

    /// <summary>
    /// Sends <c>faults ARGS</c> to node <paramref name="node"/> if it is running (up to three tries); false when it is
    /// paused or down and so was left out. Throws when a running node never confirms.
    /// </summary>
    public async Task<bool> Faults(int node, params string[] args)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return false;
            try
            {
                await FaultsCommand(node, args);
            }
            catch (InvalidOperationException) when (!_cluster.IsRunning(node))
            {
                // The process ended on its own meanwhile; its rules went with it and the nemesis starts it again.
                return false;
            }
            lock (_sync) _linkRules[node] = args[0] != "heal";
            return true;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>
    /// Clears the link faults of every node that has any: a paused node is healed as soon as it is resumed, a killed
    /// one has lost them with its process (<see cref="Kill"/> and <see cref="KillAll"/> forget them).
    /// </summary>
    public async Task HealLinks()
    {
        foreach (var node in Enumerable.Range(1, Nodes))
        {
            while (HasLinkRules(node) && !await Faults(node, "heal"))
                await Task.Delay(100); // paused: the process fault in progress resumes it within seconds
        }
    }

    /// <summary>
    /// The node whose counter region holds <paramref name="counterId"/>'s shard, as the first running node that answers
    /// <c>cluster-sharding region-stats counter</c> says; null when none answers or the shard has no home yet.
    /// </summary>
    public async Task<int?> NodeHolding(string counterId)
    {
        var shard = Actors.Core.Ring.ShardPlacement.ShardOf(counterId, 100);
        foreach (var node in Running)
        {
            await _locks[node].WaitAsync();
            try
            {
                if (StateOf(node) != NodeState.Running) continue;
                var run = await _cluster.Cli(node, "--json", "cluster-sharding", "region-stats", "counter");
                if (run.ExitCode != 0) continue;
                using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
                foreach (var region in doc.RootElement.GetProperty("regions").EnumerateArray())
                {
                    if (!region.GetProperty("shardIds").EnumerateArray().Any(s => s.GetString() == shard)) continue;
                    var address = region.GetProperty("address").GetString() ?? "";
                    var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    return port - _cluster.RemoteBase;
                }
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or KeyNotFoundException)
            {
            }
            finally
            {
                _locks[node].Release();
            }
        }
        return null;
    }

    /// <summary>The leader most running nodes report, or null when none is known.</summary>
    public async Task<int?> Leader()
    {
        var votes = new Dictionary<int, int>();
        foreach (var node in Running)
        {
            if (await LeaderSeenBy(node) is { } l) votes[l] = votes.GetValueOrDefault(l) + 1;
        }
        return votes.Count == 0 ? null : votes.MaxBy(v => v.Value).Key;
    }

    /// <summary>The leader node <paramref name="node"/> reports, or null when it has none, does not answer or is not running.</summary>
    public async Task<int?> LeaderSeenBy(int node) => (await Status(node))?.Leader;

    /// <summary>The running node whose status says it leads, or null when none does.</summary>
    public async Task<int?> SelfDeclaredLeader()
    {
        foreach (var node in Running)
            if (await Status(node) is { Role: "leader" } status) return status.Node;
        return null;
    }

    /// <summary>Node <paramref name="node"/>'s <c>paxos status</c>, or null when it is not running or does not answer.</summary>
    public async Task<PaxosStatusReport?> Status(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            return StateOf(node) == NodeState.Running ? await _cluster.Status(node) : null;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>
    /// Starts a node that is no member of this cluster's log: the cluster's seeds, node id 1 in an acceptor list of its own
    /// (itself), ports one above the last node's, data in the cluster directory's <c>foreign</c>. It joins the Akka cluster and leads its own
    /// log; the cluster's nodes keep it out of theirs. The caller stops it with <see cref="StopForeign"/>.
    /// </summary>
    public System.Diagnostics.Process StartForeign()
    {
        var id = Nodes + 1;
        var host = Path.Combine(LocalClusterProcess.Root, "src", "Actors.Host", "bin", _cluster.Options.Configuration, "net10.0", "Actors.Host.dll");
        var seeds = string.Join(",", Enumerable.Range(1, Nodes).Select(i => $"127.0.0.1:{_cluster.RemoteBase + i}"));
        // A fresh directory each time: the data of an earlier foreign node would hold its log.
        if (Directory.Exists(ForeignDir)) Directory.Delete(ForeignDir, recursive: true);
        Directory.CreateDirectory(ForeignDir);
        var process = ChildProcess.StartLogged("dotnet",
            [host, "--port", (_cluster.RemoteBase + id).ToString(), "--cmd-port", (_cluster.CmdBase + id).ToString(), "--seeds", seeds,
                "--data-dir", ForeignDir, "--members", $"127.0.0.1:{_cluster.RemoteBase + id}"],
            Path.Combine(ForeignDir, "node.log"));
        // Its PID where a later run (which refuses to start beside live processes of the cluster directory) and
        // DisposeAsync find it, should this run end before it stops the node itself.
        File.WriteAllText(ForeignPidFile, process.Id + "\n");
        return process;
    }

    /// <summary>Stops the foreign node <paramref name="process"/> by its PID and forgets its PID file.</summary>
    public async Task StopForeign(System.Diagnostics.Process process)
    {
        await ChildProcess.StopAsync(process, TimeSpan.FromSeconds(10));
        File.Delete(ForeignPidFile);
    }

    private string ForeignDir => Path.Combine(_cluster.DataDir, "foreign");

    private string ForeignPidFile => Path.Combine(ForeignDir, "pid");

    /// <summary>Sends one command to the foreign node <see cref="StartForeign"/> started; null when it does not answer.</summary>
    public async Task<Actors.Contracts.Cmd.CommandResponse?> ForeignCommand(string palette, string command, params string[] args)
    {
        try
        {
            return await _cluster.Command(Nodes + 1, palette, command, args, TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Waits until every node reports the same leader, or until <paramref name="timeout"/>; true when they all do.</summary>
    public Task<bool> WaitAllFollowLeader(TimeSpan timeout) =>
        LocalClusterProcess.WaitUntil(async () =>
        {
            var leaders = new List<int?>();
            foreach (var node in Enumerable.Range(1, Nodes)) leaders.Add(await LeaderSeenBy(node));
            return leaders.All(l => l is not null) && leaders.Distinct().Count() == 1;
        }, timeout);

    /// <summary>
    /// Nodes counted as running whose process has ended on its own (the cluster downed them: a node marked Down shuts
    /// itself down, as <c>run-coordinated-shutdown-when-down</c> says); they are marked down from now on, and the caller
    /// starts them again as a service manager would.
    /// </summary>
    public async Task<IReadOnlyList<int>> TakeExited()
    {
        var exited = new List<int>();
        foreach (var node in Enumerable.Range(1, Nodes))
        {
            await _locks[node].WaitAsync();
            try
            {
                if (StateOf(node) != NodeState.Running || _cluster.IsRunning(node)) continue;
                MarkKilled(node);
                exited.Add(node);
            }
            finally
            {
                _locks[node].Release();
            }
        }
        return exited;
    }

    private bool HasLinkRules(int node)
    {
        lock (_sync) return _linkRules[node];
    }

    private void MarkKilled(int node)
    {
        lock (_sync)
        {
            _state[node] = NodeState.Down;
            _linkRules[node] = false; // a new process starts without link faults
        }
    }

    private async Task FaultsCommand(int node, string[] args)
    {
        var problem = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0) await Task.Delay(500);
            try
            {
                var response = await _cluster.Command(node, "faults", args[0], args[1..], TimeSpan.FromSeconds(5));
                if (response.ExitCode == 0) return;
                problem = $"exit {response.ExitCode}: {response.Stderr.Trim()}{response.Stdout.Trim()}";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problem = e.Message;
            }
        }
        throw new InvalidOperationException($"node {node}: faults {string.Join(' ', args)} failed ({problem})");
    }
}
