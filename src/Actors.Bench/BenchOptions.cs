namespace Actors.Bench;

/// <summary>Settings of one <c>kv</c> benchmark run, parsed from the command line by <see cref="Program"/>.</summary>
/// <param name="Seconds">Measured length of each (system, concurrency) point.</param>
/// <param name="Clients">Closed-loop client counts, measured in this order.</param>
/// <param name="Systems">Systems to measure, in this order (see <see cref="KnownSystems"/>).</param>
/// <param name="WarmUpSeconds">Length of the unmeasured warm-up of each system.</param>
/// <param name="WarmUpClients">Clients of the warm-up.</param>
/// <param name="Keys">Size of the key space: keys are <c>bench-0</c> to <c>bench-(Keys-1)</c>.</param>
/// <param name="ValueBytes">Size of every random value.</param>
/// <param name="Root">Repository root (holds scripts/ and bench-results/).</param>
/// <param name="WorkDir">Scratch directory for cluster data and logs.</param>
/// <param name="RemoteBase">Actors node i listens for Akka.Remote on RemoteBase+i.</param>
/// <param name="CmdBase">Actors node i listens for commands on CmdBase+i.</param>
/// <param name="Workloads">Workloads measured, in this order, for every system but the transport baseline.</param>
/// <param name="Paths">How clients reach Actors (see <see cref="KnownPaths"/>); each path is a row of its own.</param>
public sealed record BenchOptions(
    TimeSpan Seconds,
    IReadOnlyList<int> Clients,
    IReadOnlyList<string> Systems,
    TimeSpan WarmUpSeconds,
    int WarmUpClients,
    int Keys,
    int ValueBytes,
    string Root,
    string WorkDir,
    int RemoteBase,
    int CmdBase,
    IReadOnlyList<WorkloadKind> Workloads,
    IReadOnlyList<string> Paths)
{
    /// <summary>
    /// Names accepted by <c>--path</c>: <c>direct</c> sends the public messages straight to the nodes' <c>/user/log</c>
    /// from long-lived client actors; <c>client</c> goes through one <see cref="Contracts.Client.ActorsClient"/> shared by
    /// every closed-loop client, as an application does.
    /// </summary>
    public static readonly IReadOnlyList<string> KnownPaths = ["direct", "client"];

    /// <summary>Names accepted by <c>--systems</c>, in the default order.</summary>
    public static readonly IReadOnlyList<string> KnownSystems = ["actors", "etcd", "akka-remote"];

    /// <summary>Longest wait for one request before it counts as a timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
}
