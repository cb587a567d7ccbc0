using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Actors.Contracts.Cmd;

namespace Actors.Chaos;

/// <summary>
/// Drives a local cluster of real host processes: scripts/local-cluster.sh for start, stop, kill and launch,
/// signals by PID for pause and resume, and each node's command port for the <c>faults</c> palette, the leader and
/// readiness. Faults on different nodes may overlap: every action on a node holds that node's lock, so a node is
/// never paused or killed while a command to it is in flight, and commands go only to nodes that are running.
/// </summary>
public sealed class ClusterControl
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string _script;
    private readonly string _data;
    private readonly Dictionary<string, string> _env;
    private readonly NodeState[] _state;
    private readonly SemaphoreSlim[] _locks;
    private readonly bool[] _linkRules;
    private readonly object _sync = new();

    /// <summary>Prepares control of a cluster of <paramref name="nodes"/> whose data lives under <paramref name="data"/>.</summary>
    public ClusterControl(string root, string data, int nodes, string configuration)
    {
        _script = Path.Combine(root, "scripts", "local-cluster.sh");
        _data = data;
        Nodes = nodes;
        _state = new NodeState[nodes + 1];
        _locks = Enumerable.Range(0, nodes + 1).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        _linkRules = new bool[nodes + 1];
        Directory.CreateDirectory(data);
        var config = Path.Combine(data, "chaos.conf");
        File.WriteAllText(config, "actors.faults.enabled = on\n");
        _env = new Dictionary<string, string>
        {
            ["ACTORS_REMOTE_BASE"] = ChaosOptions.RemoteBase.ToString(),
            ["ACTORS_CMD_BASE"] = ChaosOptions.CmdBase.ToString(),
            ["ACTORS_DATA"] = data,
            ["ACTORS_CONFIG"] = config,
            ["ACTORS_CONFIGURATION"] = configuration,
            ["ACTORS_WAIT"] = "120",
        };
    }

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
    public IReadOnlyList<int> Running => Where(NodeState.Running);

    /// <summary>Node ids that are paused or down.</summary>
    public int Unavailable
    {
        get { lock (_sync) return Enumerable.Range(1, Nodes).Count(i => _state[i] != NodeState.Running); }
    }

    /// <summary>Akka addresses of every node, for client contact points.</summary>
    public IReadOnlyList<string> ContactPoints =>
        Enumerable.Range(1, Nodes).Select(i => $"akka.tcp://actors@127.0.0.1:{ChaosOptions.RemoteBase + i}").ToList();

    /// <summary>The state of node <paramref name="node"/>.</summary>
    public NodeState StateOf(int node)
    {
        lock (_sync) return _state[node];
    }

    /// <summary>Runs local-cluster.sh with the given arguments; returns its exit code and combined output.</summary>
    public async Task<(int ExitCode, string Output)> Script(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(_script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>SIGKILLs node <paramref name="node"/> if it is running; false when it was not.</summary>
    public async Task<bool> Kill(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return false;
            var (code, output) = await Script("kill", node.ToString());
            if (code != 0) throw new InvalidOperationException($"kill of node {node} failed: {output.Trim()}");
            lock (_sync)
            {
                _state[node] = NodeState.Down;
                _linkRules[node] = false; // a new process starts without link faults
            }
            return true;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>Starts a killed node again and waits until it is Up and follows a leader; it counts as down until then.</summary>
    public async Task Restart(int node)
    {
        var (code, output) = await Script("launch", node.ToString());
        if (code != 0) throw new InvalidOperationException($"restart of node {node} failed: {output.Trim()}");
        var waited = Stopwatch.StartNew();
        while (!await IsUp(node))
        {
            if (waited.Elapsed > RestartTimeout)
                throw new InvalidOperationException($"node {node} not Up {RestartTimeout.TotalSeconds:0} s after its restart; see {_data}/node-{node}/node.log");
            await Task.Delay(250);
        }
        lock (_sync) _state[node] = NodeState.Running;
    }

    /// <summary>Freezes node <paramref name="node"/> with SIGSTOP if it is running; false when it was not.</summary>
    public async Task<bool> Pause(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return false;
            Signal(node, SigStop);
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
            Signal(node, SigCont);
            lock (_sync) _state[node] = NodeState.Running;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>Stops the whole cluster (local-cluster.sh also continues paused nodes). Never throws.</summary>
    public async Task StopAll()
    {
        try
        {
            var (_, output) = await Script("stop");
            Console.WriteLine(output.TrimEnd());
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"chaos: stopping the cluster failed: {e.Message}");
        }
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
            await FaultsCommand(node, args);
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
    /// one has lost them with its process (<see cref="Kill"/> forgets them).
    /// </summary>
    public async Task HealLinks()
    {
        foreach (var node in Enumerable.Range(1, Nodes))
        {
            while (HasLinkRules(node) && !await Faults(node, "heal"))
                await Task.Delay(100); // paused: the process fault in progress resumes it within seconds
        }
    }

    private bool HasLinkRules(int node)
    {
        lock (_sync) return _linkRules[node];
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
    public async Task<int?> LeaderSeenBy(int node)
    {
        await _locks[node].WaitAsync();
        try
        {
            if (StateOf(node) != NodeState.Running) return null;
            using var doc = await Status(node);
            if (doc is null) return null;
            var leader = doc.RootElement.GetProperty("leader");
            return leader.ValueKind == JsonValueKind.Number ? leader.GetInt32() : null;
        }
        finally
        {
            _locks[node].Release();
        }
    }

    /// <summary>Waits until every node reports the same leader, or until <paramref name="timeout"/>; true when they all do.</summary>
    public async Task<bool> WaitAllFollowLeader(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var leaders = new List<int?>();
            foreach (var node in Enumerable.Range(1, Nodes)) leaders.Add(await LeaderSeenBy(node));
            if (leaders.All(l => l is not null) && leaders.Distinct().Count() == 1) return true;
            await Task.Delay(500);
        }
        return false;
    }

    private async Task FaultsCommand(int node, string[] args)
    {
        var problem = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0) await Task.Delay(500);
            try
            {
                var response = await Command(node, "faults", args[0], args[1..], TimeSpan.FromSeconds(5));
                if (response.ExitCode == 0) return;
                problem = $"exit {response.ExitCode}: {response.Stderr.Trim()}{response.Stdout.Trim()}";
            }
            catch (Exception e)
            {
                problem = e.Message;
            }
        }
        throw new InvalidOperationException($"node {node}: faults {string.Join(' ', args)} failed ({problem})");
    }

    /// <summary>True when node <paramref name="node"/> reports itself Up in the cluster and knows a leader.</summary>
    private static async Task<bool> IsUp(int node)
    {
        using var doc = await Status(node);
        if (doc is null) return false;
        var root = doc.RootElement;
        if (root.GetProperty("leader").ValueKind != JsonValueKind.Number) return false;
        return root.TryGetProperty("members", out var members) && members.EnumerateArray().Any(m =>
            m.TryGetProperty("self", out var self) && self.ValueKind == JsonValueKind.True &&
            m.TryGetProperty("status", out var status) && status.GetString() == "up");
    }

    /// <summary><c>paxos status --json</c> of node <paramref name="node"/>, or null when it does not answer.</summary>
    private static async Task<JsonDocument?> Status(int node)
    {
        try
        {
            var response = await Command(node, "paxos", "status", [], TimeSpan.FromSeconds(3), json: true);
            return response.ExitCode == 0 ? JsonDocument.Parse(response.Stdout) : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static async Task<CommandResponse> Command(int node, string palette, string command, IReadOnlyList<string> args, TimeSpan timeout, bool json = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        await using var client = await CommandClient.ConnectAsync("127.0.0.1", ChaosOptions.CmdBase + node, cts.Token);
        return await client.SendAsync(new CommandRequest(palette, command, args, json, null), cts.Token);
    }

    private List<int> Where(NodeState state)
    {
        lock (_sync) return Enumerable.Range(1, Nodes).Where(i => _state[i] == state).ToList();
    }

    private void Signal(int node, int signal)
    {
        var file = Path.Combine(_data, $"node-{node}", "pid");
        var pid = int.Parse(File.ReadAllText(file).Trim());
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"signal {signal} to node {node} (pid {pid}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
