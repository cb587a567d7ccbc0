namespace Actors.Testing.Processes;

/// <summary>How to run <c>scripts/local-cluster.sh</c> for one <see cref="LocalClusterProcess"/>.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Node i listens for Akka.Remote on <c>RemoteBase + i</c> (ACTORS_REMOTE_BASE).</summary>
    public required int RemoteBase { get; init; }

    /// <summary>Node i listens for commands on <c>CmdBase + i</c> (ACTORS_CMD_BASE).</summary>
    public required int CmdBase { get; init; }

    /// <summary>
    /// Where the nodes keep their data (ACTORS_DATA). Null: a new temporary directory, deleted again on dispose unless
    /// <c>ACTORS_KEEP_TEST_DATA=1</c>. A given directory is created when missing and always kept.
    /// </summary>
    public string? DataDir { get; init; }

    /// <summary>HOCON layered on top of every node's configuration, written to DATA/extra.conf (ACTORS_CONFIG); none when null.</summary>
    public string? ExtraConfig { get; init; }

    /// <summary>Build configuration of the host (ACTORS_CONFIGURATION): Release, or Failpoints for deliberate bugs.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>How long the script waits for the cluster or a restarted node to be ready (ACTORS_WAIT).</summary>
    public TimeSpan ReadyWait { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Longest run of one script call before it is killed with its children; null for no limit.</summary>
    public TimeSpan? ScriptTimeout { get; init; }

    /// <summary>Longest run of one CLI call (scripts/actors-cmd) before it is killed.</summary>
    public TimeSpan CliTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Network namespace prefix (ACTORS_NETNS): node i runs in the namespace <c>NetNs-i</c> at 10.77.0.i, made beforehand
    /// with <c>scripts/netns.sh up NetNs N</c>; the CLI and status calls then run inside that namespace. Null: loopback.
    /// </summary>
    public string? NetNs { get; init; }

    /// <summary>When set, every line the script prints is echoed to the console after this prefix while it runs.</summary>
    public string? EchoPrefix { get; init; }
}
