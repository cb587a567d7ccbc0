using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Actors.Contracts.Cmd;

namespace Actors.Chaos;

/// <summary>
/// Drives a local cluster of real host processes: scripts/local-cluster.sh for start, stop, kill and restart,
/// signals by PID for pause and resume, and each node's command port for the <c>faults</c> palette and the leader.
/// </summary>
public sealed class ClusterControl
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string _script;
    private readonly string _data;
    private readonly Dictionary<string, string> _env;
    private readonly HashSet<int> _paused = [];
    private readonly HashSet<int> _killed = [];

    /// <summary>Prepares control of a cluster of <paramref name="nodes"/> whose data lives under <paramref name="data"/>.</summary>
    public ClusterControl(string root, string data, int nodes, string configuration)
    {
        _script = Path.Combine(root, "scripts", "local-cluster.sh");
        _data = data;
        Nodes = nodes;
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

    /// <summary>Cluster size; node ids are 1..Nodes.</summary>
    public int Nodes { get; }

    /// <summary>Node ids that are neither killed nor paused.</summary>
    public IReadOnlyList<int> Healthy => Enumerable.Range(1, Nodes).Where(i => !_paused.Contains(i) && !_killed.Contains(i)).ToList();

    /// <summary>Akka addresses of every node, for client contact points.</summary>
    public IReadOnlyList<string> ContactPoints =>
        Enumerable.Range(1, Nodes).Select(i => $"akka.tcp://actors@127.0.0.1:{ChaosOptions.RemoteBase + i}").ToList();

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

    /// <summary>SIGKILLs node <paramref name="node"/>.</summary>
    public async Task Kill(int node)
    {
        var (code, output) = await Script("kill", node.ToString());
        if (code != 0) throw new InvalidOperationException($"kill of node {node} failed: {output.Trim()}");
        _killed.Add(node);
    }

    /// <summary>Starts a killed node again and waits until it is Up.</summary>
    public async Task Restart(int node)
    {
        var (code, output) = await Script("restart", node.ToString());
        if (code != 0) throw new InvalidOperationException($"restart of node {node} failed: {output.Trim()}");
        _killed.Remove(node);
    }

    /// <summary>Freezes node <paramref name="node"/> with SIGSTOP.</summary>
    public void Pause(int node)
    {
        Signal(node, SigStop);
        _paused.Add(node);
    }

    /// <summary>Resumes a paused node with SIGCONT.</summary>
    public void Resume(int node)
    {
        Signal(node, SigCont);
        _paused.Remove(node);
    }

    /// <summary>Resumes paused nodes and restarts killed ones.</summary>
    public async Task ReviveAll()
    {
        foreach (var n in _paused.ToList()) Resume(n);
        foreach (var n in _killed.ToList()) await Restart(n);
    }

    /// <summary>Resumes paused nodes (a stopped process cannot exit) and stops the whole cluster. Never throws.</summary>
    public async Task StopAll()
    {
        foreach (var n in _paused.ToList())
        {
            try { Resume(n); } catch (Exception) { /* the process may be gone already */ }
        }
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

    /// <summary>Sends <c>faults ARGS</c> to node <paramref name="node"/>, up to three times; throws when it never succeeds.</summary>
    public async Task Faults(int node, params string[] args)
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

    /// <summary>Sends <c>faults heal</c> to every healthy node; returns the nodes that did not confirm.</summary>
    public async Task<IReadOnlyList<int>> HealLinks()
    {
        var failed = new List<int>();
        foreach (var node in Healthy)
        {
            try
            {
                await Faults(node, "heal");
            }
            catch (InvalidOperationException)
            {
                failed.Add(node);
            }
        }
        return failed;
    }

    /// <summary>The leader most healthy nodes report, or null when none is known.</summary>
    public async Task<int?> Leader()
    {
        var votes = new Dictionary<int, int>();
        foreach (var node in Healthy)
        {
            var leader = await LeaderSeenBy(node);
            if (leader is { } l) votes[l] = votes.GetValueOrDefault(l) + 1;
        }
        return votes.Count == 0 ? null : votes.MaxBy(v => v.Value).Key;
    }

    /// <summary>The leader node <paramref name="node"/> reports, or null when it has none or does not answer.</summary>
    public async Task<int?> LeaderSeenBy(int node)
    {
        try
        {
            var response = await Command(node, "paxos", "status", [], TimeSpan.FromSeconds(3), json: true);
            if (response.ExitCode != 0) return null;
            using var doc = JsonDocument.Parse(response.Stdout);
            var leader = doc.RootElement.GetProperty("leader");
            return leader.ValueKind == JsonValueKind.Number ? leader.GetInt32() : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>Waits until every node reports a leader, or until <paramref name="timeout"/>; true when they all do.</summary>
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

    private static async Task<CommandResponse> Command(int node, string palette, string command, IReadOnlyList<string> args, TimeSpan timeout, bool json = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        await using var client = await CommandClient.ConnectAsync("127.0.0.1", ChaosOptions.CmdBase + node, cts.Token);
        return await client.SendAsync(new CommandRequest(palette, command, args, json, null), cts.Token);
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
