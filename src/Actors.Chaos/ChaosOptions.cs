using System.Globalization;

namespace Actors.Chaos;

/// <summary>Command-line settings of one chaos run.</summary>
/// <param name="Nodes">Cluster size, 3 to 9.</param>
/// <param name="Duration">How long clients run and faults are injected.</param>
/// <param name="Seed">Seed of the fault schedule and of the clients' choices.</param>
/// <param name="Clients">Number of concurrent closed-loop clients.</param>
/// <param name="Keys">Number of keys the clients work on.</param>
/// <param name="OutDir">Directory for the cluster's data, the history and the summary.</param>
/// <param name="Configuration">Build configuration of the nodes (Release or Failpoints).</param>
/// <param name="RemoteBase">Akka.Remote port base: node i listens on base + i.</param>
/// <param name="CmdBase">Command port base: node i listens on base + i.</param>
/// <param name="Counters">Built-in counters the counter workload adds to (0: no counter workload).</param>
/// <param name="SessionTtlSeconds">The nodes' <c>actors.kv.session-ttl</c> in seconds (0: the default, 10 min). A few seconds
/// makes sessions expire while paused and cut-off nodes hold commands and while clients sit idle, so copies are refused as
/// expired and clients issue their writes again.</param>
/// <param name="MaxPending">The nodes' <c>actors.paxos.max-pending</c>: small enough that a flood of a cut-off leader
/// (<see cref="FaultKind.FloodLeader"/>) goes past it.</param>
/// <param name="SnapshotEvery">The nodes' <c>actors.paxos.snapshot-every</c>: small, so a node that restarts or is cut off
/// catches up by snapshot, often while the snapshot it is sent advances.</param>
/// <param name="SnapshotChunkBytes">The nodes' <c>actors.paxos.snapshot-chunk-bytes</c>: small, so a snapshot goes in many pieces.</param>
/// <param name="Faults">The fault kinds to inject (every kind when empty); a lane none of whose kinds is chosen stays idle.</param>
public sealed record ChaosOptions(int Nodes, TimeSpan Duration, int Seed, int Clients, int Keys, string OutDir, string Configuration,
    int RemoteBase, int CmdBase, int Counters = 8, int SessionTtlSeconds = 0, int MaxPending = ChaosOptions.DefaultMaxPending,
    int SnapshotEvery = ChaosOptions.DefaultSnapshotEvery, int SnapshotChunkBytes = ChaosOptions.DefaultSnapshotChunkBytes,
    IReadOnlySet<FaultKind>? Faults = null)
{
    /// <summary>Default <see cref="MaxPending"/>: some hundred times what the clients keep in flight.</summary>
    public const int DefaultMaxPending = 400;

    /// <summary>Default <see cref="SnapshotEvery"/> (the nodes' own default is 1000).</summary>
    public const int DefaultSnapshotEvery = 200;

    /// <summary>Default <see cref="SnapshotChunkBytes"/> (the nodes' own default is 1 MiB).</summary>
    public const int DefaultSnapshotChunkBytes = 2048;

    /// <summary>Default Akka.Remote port base.</summary>
    public const int DefaultRemoteBase = 24300;

    /// <summary>Default command port base.</summary>
    public const int DefaultCmdBase = 29300;

    /// <summary>Usage text printed on a bad command line.</summary>
    public const string Usage =
        "usage: chaos [--nodes 5] [--minutes M | --seconds S] [--seed N] [--clients 10] [--keys 4] [--counters 8] [--out DIR]\n" +
        "             [--configuration Release|Failpoints] [--remote-base 24300] [--cmd-base 29300] [--session-ttl SECONDS]\n" +
        "             [--max-pending 400] [--snapshot-every 200] [--snapshot-chunk-bytes 2048] [--faults KIND,KIND,...]";

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a readable message on bad input.</summary>
    public static ChaosOptions Parse(IReadOnlyList<string> args, string root)
    {
        var nodes = 5;
        var duration = TimeSpan.FromMinutes(2);
        var seed = Environment.TickCount & 0x7fffffff;
        var clients = 10;
        var keys = 4;
        var counters = 8;
        string? outDir = null;
        var configuration = "Release";
        var remoteBase = DefaultRemoteBase;
        var cmdBase = DefaultCmdBase;
        var sessionTtl = 0;
        var maxPending = DefaultMaxPending;
        var snapshotEvery = DefaultSnapshotEvery;
        var chunkBytes = DefaultSnapshotChunkBytes;
        HashSet<FaultKind>? faults = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int(int min, int max)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                    throw new ArgumentException($"{name} must be an integer from {min} to {max}, not '{text}'");
                return v;
            }

            switch (name)
            {
                case "--nodes": nodes = Int(3, 9); break;
                case "--minutes": duration = TimeSpan.FromMinutes(Int(1, 24 * 60)); break;
                case "--seconds": duration = TimeSpan.FromSeconds(Int(10, 24 * 3600)); break;
                case "--seed": seed = Int(0, int.MaxValue); break;
                case "--clients": clients = Int(1, 200); break;
                case "--keys": keys = Int(1, 1000); break;
                case "--counters": counters = Int(0, 10_000); break;
                case "--out": outDir = Value(); break;
                case "--configuration":
                    configuration = Value();
                    if (configuration is not ("Release" or "Failpoints"))
                        throw new ArgumentException($"--configuration must be Release or Failpoints, not '{configuration}'");
                    break;
                case "--remote-base": remoteBase = Int(1024, 65000); break;
                case "--cmd-base": cmdBase = Int(1024, 65000); break;
                case "--session-ttl": sessionTtl = Int(1, 24 * 3600); break;
                case "--max-pending": maxPending = Int(10, 1_000_000); break;
                case "--snapshot-every": snapshotEvery = Int(1, 1_000_000); break;
                case "--snapshot-chunk-bytes": chunkBytes = Int(1024, 8 * 1024 * 1024); break;
                case "--faults":
                {
                    faults = [];
                    foreach (var kind in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Enum.TryParse<FaultKind>(kind, ignoreCase: true, out var k) || !Enum.IsDefined(k))
                            throw new ArgumentException($"--faults: unknown fault kind '{kind}' (kinds: {string.Join(", ", Enum.GetNames<FaultKind>())})");
                        faults.Add(k);
                    }
                    if (faults.Count == 0) throw new ArgumentException("--faults needs at least one fault kind");
                    break;
                }
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        outDir = Path.GetFullPath(outDir ?? Path.Combine(root, "data", $"chaos-{seed}"));
        return new ChaosOptions(nodes, duration, seed, clients, keys, outDir, configuration, remoteBase, cmdBase, counters, sessionTtl,
            maxPending, snapshotEvery, chunkBytes, faults);
    }
}
