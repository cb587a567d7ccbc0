using Actors.Contracts.Cmd;

namespace Actors.Testing.Processes;

/// <summary>
/// A local cluster of real host processes on loopback, run with <c>scripts/local-cluster.sh</c> on its own ports and
/// data directory: start, kill, launch and restart through the script, signals straight to each node's PID (from
/// DATA/node-i/pid), the CLI (<c>scripts/actors-cmd</c>) as a process, and each node's command port in this process
/// for status and faults. Disposing stops every node by PID.
/// </summary>
/// <remarks>
/// Thread-safe: methods may be called concurrently, on different nodes or the same one. It keeps no state about the
/// nodes besides what the script keeps on disk, so callers that inject faults track node states themselves.
/// </remarks>
public sealed class LocalClusterProcess : IAsyncDisposable
{
    /// <summary>How often <see cref="WaitUntil"/> asks the nodes again.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);

    private readonly Dictionary<string, string> _env;
    private readonly bool _ownsData;
    private int _disposed;

    /// <summary>Prepares the cluster (nothing runs yet): creates the data directory and the extra configuration file.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A port base leaves no room for nine nodes below 65536.</exception>
    public LocalClusterProcess(LocalClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, value) in new[] { ("RemoteBase", options.RemoteBase), ("CmdBase", options.CmdBase) })
        {
            if (value < 1 || value + 9 > 65535)
                throw new ArgumentOutOfRangeException(nameof(options), $"{name} must leave room for nodes 1..9 below 65536, not {value}");
        }
        Options = options;
        _ownsData = options.DataDir is null;
        DataDir = Path.GetFullPath(options.DataDir ?? Path.Combine(Path.GetTempPath(), "actors-cluster-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(DataDir);
        _env = new Dictionary<string, string>
        {
            ["ACTORS_REMOTE_BASE"] = options.RemoteBase.ToString(),
            ["ACTORS_CMD_BASE"] = options.CmdBase.ToString(),
            ["ACTORS_DATA"] = DataDir,
            ["ACTORS_CONFIGURATION"] = options.Configuration,
            ["ACTORS_WAIT"] = ((int)Math.Ceiling(options.ReadyWait.TotalSeconds)).ToString(),
            ["ACTORS_NETNS"] = options.NetNs ?? "",
        };
        if (options.ExtraConfig is not null)
        {
            var file = Path.Combine(DataDir, "extra.conf");
            File.WriteAllText(file, options.ExtraConfig);
            _env["ACTORS_CONFIG"] = file;
        }
    }

    /// <summary>The repository root (see <see cref="RepoRoot"/>): where the scripts are.</summary>
    public static string Root => RepoRoot.Path;

    /// <summary>The settings this cluster was made with.</summary>
    public LocalClusterOptions Options { get; }

    /// <summary>The nodes' data directory: node i keeps its database, pid file and node.log in DATA/node-i.</summary>
    public string DataDir { get; }

    /// <summary>Akka.Remote port base: node i listens on <c>RemoteBase + i</c>.</summary>
    public int RemoteBase => Options.RemoteBase;

    /// <summary>Command port base: node i listens on <c>CmdBase + i</c>.</summary>
    public int CmdBase => Options.CmdBase;

    /// <summary>host:port of node <paramref name="node"/>'s command port, as the CLI takes it.</summary>
    public string CmdEndpoint(int node) => $"127.0.0.1:{CmdBase + node}";

    /// <summary>The address node <paramref name="node"/>'s Akka.Remote listens on: loopback, or its namespace's address.</summary>
    public string Host(int node) => Options.NetNs is null ? "127.0.0.1" : $"10.77.0.{node}";

    /// <summary>The Akka address of node <paramref name="node"/>, as clients take it for a contact point.</summary>
    public string RemoteAddress(int node) => $"akka.tcp://actors@{Host(node)}:{RemoteBase + node}";

    /// <summary>The Akka addresses of nodes 1..<paramref name="nodes"/>.</summary>
    public IReadOnlyList<string> ContactPoints(int nodes) => Enumerable.Range(1, nodes).Select(RemoteAddress).ToList();

    /// <summary>Runs <c>local-cluster.sh ARGS</c> with this cluster's environment; returns how it ended.</summary>
    public Task<ProcessRun> Script(params string[] args)
    {
        Action<string>? echoOut = null, echoErr = null;
        if (Options.EchoPrefix is { } prefix)
        {
            echoOut = line => Console.WriteLine(prefix + line);
            echoErr = line => Console.Error.WriteLine(prefix + line);
        }
        return ChildProcess.RunAsync("bash", [Path.Combine(Root, "scripts", "local-cluster.sh"), .. args], _env,
            Options.ScriptTimeout, workingDirectory: Root, onStdout: echoOut, onStderr: echoErr);
    }

    /// <summary>Builds once, starts <paramref name="nodes"/> nodes and waits until every one is Up and a leader is known.</summary>
    public Task<ProcessRun> Start(int nodes) => Script("start", nodes.ToString());

    /// <summary>SIGKILLs node <paramref name="node"/> (by PID) and waits until it is gone; exit code 2 when it was not running.</summary>
    public Task<ProcessRun> Kill(int node) => Script("kill", node.ToString());

    /// <summary>Starts node <paramref name="node"/> again on its data and returns at once; the caller waits for it.</summary>
    public Task<ProcessRun> Launch(int node) => Script("launch", node.ToString());

    /// <summary>Starts node <paramref name="node"/> again on its data and waits until it is Up and follows a leader.</summary>
    public Task<ProcessRun> Restart(int node) => Script("restart", node.ToString());

    /// <summary>Stops every node of the cluster by PID: SIGTERM (and SIGCONT for a paused one), SIGKILL after 10 s.</summary>
    public Task<ProcessRun> Stop() => Script("stop");

    /// <summary>
    /// Runs the CLI, <c>scripts/actors-cmd HOST:PORT ARGS</c>, against node <paramref name="node"/> (inside its network
    /// namespace when the cluster runs in namespaces).
    /// </summary>
    public Task<ProcessRun> Cli(int node, params string[] args)
    {
        string[] cli = ["bash", Path.Combine(Root, "scripts", "actors-cmd"), CmdEndpoint(node), .. args];
        string[] command = Options.NetNs is { } ns ? ["ip", "netns", "exec", $"{ns}-{node}", .. cli] : cli;
        return ChildProcess.RunAsync(command[0], command[1..], _env, Options.CliTimeout, workingDirectory: Root);
    }

    /// <summary>Repeats a CLI call until it exits <paramref name="expectedExit"/> or <paramref name="within"/> has passed; returns the last run.</summary>
    public Task<ProcessRun> CliUntil(int node, int expectedExit, TimeSpan within, params string[] args) =>
        CliUntil(node, r => r.ExitCode == expectedExit, within, args);

    /// <summary>
    /// Repeats a CLI call until <paramref name="done"/> holds for its run or <paramref name="within"/> has passed;
    /// returns the last run. Each call is a process round trip to the node, which paces the loop; the deadline only
    /// bounds it.
    /// </summary>
    public async Task<ProcessRun> CliUntil(int node, Func<ProcessRun, bool> done, TimeSpan within, params string[] args)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var r = await Cli(node, args);
            if (done(r) || DateTime.UtcNow > deadline) return r;
        }
    }

    /// <summary>
    /// Sends one command to node <paramref name="node"/>'s command port from this process (no CLI process) and returns
    /// the node's answer, which is what the CLI would print and exit with.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The node does not accept the connection.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="OperationCanceledException">No answer within <paramref name="timeout"/>.</exception>
    public async Task<CommandResponse> Command(int node, string palette, string command, IReadOnlyList<string> args, TimeSpan timeout, bool json = false)
    {
        if (Options.NetNs is not null)
            throw new InvalidOperationException("the nodes run in network namespaces: their command ports are reachable only through Cli");
        using var cts = new CancellationTokenSource(timeout);
        await using var client = await CommandClient.ConnectAsync("127.0.0.1", CmdBase + node, cts.Token);
        return await client.SendAsync(new CommandRequest(palette, command, args, json, null), cts.Token);
    }

    /// <summary>Node <paramref name="node"/>'s <c>paxos status --json</c>, or null when it does not answer (down, paused, starting).</summary>
    public async Task<PaxosStatusReport?> Status(int node)
    {
        try
        {
            if (Options.NetNs is not null)
            {
                // The command port listens on the namespace's loopback: only a process inside it reaches it.
                var run = await Cli(node, "--json", "paxos", "status");
                return run.ExitCode == 0 ? PaxosStatusReport.Parse(run.Stdout) : null;
            }
            var response = await Command(node, "paxos", "status", [], StatusTimeout, json: true);
            return response.ExitCode == 0 ? PaxosStatusReport.Parse(response.Stdout) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>The leader node <paramref name="node"/> reports, or null when it knows none or does not answer.</summary>
    public async Task<int?> Leader(int node) => (await Status(node))?.Leader;

    /// <summary>True when node <paramref name="node"/> answers, is Up in the cluster and knows a leader.</summary>
    public async Task<bool> IsUp(int node) => (await Status(node))?.UpWithLeader == true;

    /// <summary>
    /// Asks <paramref name="condition"/> every <see cref="PollInterval"/> until it holds (true) or
    /// <paramref name="timeout"/> has passed (false).
    /// </summary>
    public static async Task<bool> WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>The PID node <paramref name="node"/> was last started with, or null when the script recorded none (never started, stopped, killed).</summary>
    public int? Pid(int node)
    {
        var file = PidFile(node);
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>True when node <paramref name="node"/> has a recorded PID and that process is alive (paused counts as alive).</summary>
    public bool IsRunning(int node) => Pid(node) is { } pid && Signals.IsAlive(pid);

    /// <summary>Sends <paramref name="signal"/> to node <paramref name="node"/>'s process; throws when it has no live process.</summary>
    public void Signal(int node, int signal)
    {
        var pid = Pid(node) ?? throw new InvalidOperationException($"node {node} has no pid file in {DataDir}/node-{node}");
        if (!Signals.Send(pid, signal)) throw new InvalidOperationException($"node {node} (pid {pid}) is not running");
    }

    /// <summary>Freezes node <paramref name="node"/> with SIGSTOP.</summary>
    public void Pause(int node) => Signal(node, Signals.SigStop);

    /// <summary>Continues node <paramref name="node"/> with SIGCONT.</summary>
    public void Resume(int node) => Signal(node, Signals.SigCont);

    /// <summary>
    /// SIGKILLs every node that is running, all at once (one signal per PID, sent back to back), waits until each is
    /// gone and removes its pid file, as <c>local-cluster.sh kill</c> does for one. Returns the nodes it killed.
    /// </summary>
    public async Task<IReadOnlyList<int>> KillAll()
    {
        var targets = NodeIds().Select(n => (Node: n, Pid: Pid(n))).Where(t => t.Pid is { } p && Signals.IsAlive(p))
            .Select(t => (t.Node, Pid: t.Pid!.Value)).ToList();
        foreach (var (_, pid) in targets) Signals.Send(pid, Signals.SigKill);
        foreach (var (node, pid) in targets)
        {
            if (!await WaitUntil(() => Task.FromResult(!Signals.IsAlive(pid)), TimeSpan.FromSeconds(10)))
                throw new InvalidOperationException($"node {node} (pid {pid}) still alive 10 s after SIGKILL");
            File.Delete(PidFile(node));
        }
        return targets.Select(t => t.Node).ToList();
    }

    /// <summary>
    /// Stops every node by PID (see <see cref="Stop"/>; any process left after that is SIGKILLed) and deletes a temporary
    /// data directory. Never throws; a second call does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            if (NodeIds().Any(IsRunning))
            {
                var stopped = await Stop();
                if (stopped.ExitCode != 0) Console.Error.WriteLine($"local cluster in {DataDir}: stop exited {stopped.ExitCode}: {stopped.Stderr.Trim()}");
            }
            foreach (var node in NodeIds())
            {
                if (Pid(node) is { } pid && Signals.IsAlive(pid)) Signals.Send(pid, Signals.SigKill);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"local cluster in {DataDir}: stopping failed: {e.Message}");
        }

        if (!_ownsData || Environment.GetEnvironmentVariable("ACTORS_KEEP_TEST_DATA") == "1") return;
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string PidFile(int node) => Path.Combine(DataDir, $"node-{node}", "pid");

    /// <summary>The node ids that have a directory under <see cref="DataDir"/>: every node ever started here.</summary>
    private IEnumerable<int> NodeIds() =>
        Directory.Exists(DataDir)
            ? Directory.GetDirectories(DataDir, "node-*")
                .Select(d => int.TryParse(Path.GetFileName(d)["node-".Length..], out var n) ? n : 0)
                .Where(n => n > 0).Order()
            : [];
}
