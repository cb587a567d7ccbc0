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
public sealed record ChaosOptions(int Nodes, TimeSpan Duration, int Seed, int Clients, int Keys, string OutDir, string Configuration,
    int RemoteBase, int CmdBase, int Counters = 8, int SessionTtlSeconds = 0)
{
    /// <summary>Default Akka.Remote port base.</summary>
    public const int DefaultRemoteBase = 24300;

    /// <summary>Default command port base.</summary>
    public const int DefaultCmdBase = 29300;

    /// <summary>Usage text printed on a bad command line.</summary>
    public const string Usage =
        "usage: chaos [--nodes 5] [--minutes M | --seconds S] [--seed N] [--clients 10] [--keys 4] [--counters 8] [--out DIR]\n" +
        "             [--configuration Release|Failpoints] [--remote-base 24300] [--cmd-base 29300] [--session-ttl SECONDS]";

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
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        outDir = Path.GetFullPath(outDir ?? Path.Combine(root, "data", $"chaos-{seed}"));
        return new ChaosOptions(nodes, duration, seed, clients, keys, outDir, configuration, remoteBase, cmdBase, counters, sessionTtl);
    }
}
