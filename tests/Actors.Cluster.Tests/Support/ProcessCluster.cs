using System.Text.Json;

namespace Actors.Cluster.Tests.Support;

/// <summary>
/// A cluster of real host processes started with scripts/local-cluster.sh on its own ports and data
/// directory. Disposing stops every node by PID.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _env;

    public ProcessCluster(int remoteBase, int cmdBase, string? extraConfig = null)
    {
        RemoteBase = remoteBase;
        CmdBase = cmdBase;
        Data = Path.Combine(Path.GetTempPath(), "actors-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Data);
        _env = new Dictionary<string, string>
        {
            ["ACTORS_REMOTE_BASE"] = remoteBase.ToString(),
            ["ACTORS_CMD_BASE"] = cmdBase.ToString(),
            ["ACTORS_DATA"] = Data,
            ["ACTORS_WAIT"] = "180",
        };
        if (extraConfig is not null)
        {
            var file = Path.Combine(Data, "extra.conf");
            File.WriteAllText(file, extraConfig);
            _env["ACTORS_CONFIG"] = file;
        }
    }

    public int RemoteBase { get; }

    public int CmdBase { get; }

    public string Data { get; }

    public string CmdEndpoint(int node) => $"127.0.0.1:{CmdBase + node}";

    public Task<Repo.Run> Script(params string[] args) =>
        Repo.Exec("bash", [Path.Combine(Repo.Root, "scripts", "local-cluster.sh"), .. args], _env, TimeSpan.FromMinutes(6));

    /// <summary>Runs scripts/actors-cmd against node <paramref name="node"/>.</summary>
    public Task<Repo.Run> Cli(int node, params string[] args) =>
        Repo.Exec("bash", [Path.Combine(Repo.Root, "scripts", "actors-cmd"), CmdEndpoint(node), .. args], _env, TimeSpan.FromSeconds(60));

    /// <summary>The leader's node number (1-based) as node <paramref name="asking"/> sees it, or null.</summary>
    public async Task<int?> Leader(int asking)
    {
        var r = await Cli(asking, "--json", "paxos", "status");
        if (r.ExitCode != 0) return null;
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("leader").ValueKind == JsonValueKind.Number
            ? doc.RootElement.GetProperty("leader").GetInt32()
            : null;
    }

    /// <summary>What <c>paxos status --json</c> of a node says.</summary>
    public sealed record NodeStatus(int? Leader, string Ballot, long Sessions)
    {
        public long BallotRound => long.Parse(Ballot.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Parses <c>paxos status --json</c>; null when it is not a status.</summary>
    public static NodeStatus? ParseStatus(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var leader = root.GetProperty("leader");
            return new NodeStatus(leader.ValueKind == JsonValueKind.Number ? leader.GetInt32() : null,
                root.GetProperty("ballot").GetString() ?? "", root.GetProperty("sessions").GetInt64());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Node <paramref name="node"/>'s status once it knows a leader (within a minute).</summary>
    public async Task<NodeStatus> Status(int node)
    {
        var r = await CliUntil(node, r => ParseStatus(r.Stdout)?.Leader is not null, TimeSpan.FromSeconds(60), "--json", "paxos", "status");
        return ParseStatus(r.Stdout) ?? throw new Xunit.Sdk.XunitException("no status with a leader: " + r);
    }

    /// <summary>Repeats a CLI call until it exits <paramref name="expectedExit"/> or the deadline passes; returns the last run.</summary>
    public Task<Repo.Run> CliUntil(int node, int expectedExit, TimeSpan within, params string[] args) =>
        CliUntil(node, r => r.ExitCode == expectedExit, within, args);

    /// <summary>
    /// Repeats a CLI call until <paramref name="done"/> holds for its run or the deadline passes; returns the last run.
    /// Each call is a process round trip to the node, which paces the loop; the deadline only bounds it.
    /// </summary>
    public async Task<Repo.Run> CliUntil(int node, Func<Repo.Run, bool> done, TimeSpan within, params string[] args)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var r = await Cli(node, args);
            if (done(r) || DateTime.UtcNow > deadline) return r;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Script("stop");
        if (Environment.GetEnvironmentVariable("ACTORS_KEEP_TEST_DATA") == "1") return;
        try { Directory.Delete(Data, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
