using System.Collections.Immutable;
using Actors.Contracts.Cmd;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;

namespace Actors.Host;

/// <summary>Parses the node's flags, falling back to ACTORS_* environment variables, then to defaults.</summary>
public static class NodeCommandLine
{
    public const string Usage = """
        usage: Actors.Host [options]
          --host HOST          Akka.Remote host                      (ACTORS_HOST, default 127.0.0.1)
          --port PORT          Akka.Remote port                      (ACTORS_PORT, default 4053)
          --seeds LIST         seed nodes, host:port,host:port       (ACTORS_SEEDS, default: this node)
          --members LIST       acceptor members, host:port,...       (ACTORS_MEMBERS, default: this node)
                               the same list in the same order on every node
          --node-id ID         this node's id                        (ACTORS_NODE_ID, default 0: automatic)
                               an acceptor's id is its position in --members; a node not
                               in --members is a learner and needs a unique id above their count
          --cmd-host HOST      command host bind address             (ACTORS_CMD_HOST, default 127.0.0.1)
          --cmd-port PORT      command port                          (ACTORS_CMD_PORT, default 9110)
          --cmd-token TOKEN    token the CLI must present            (ACTORS_CMD_TOKEN)
          --data-dir DIR       data directory (SQLite, logs)         (ACTORS_DATA_DIR, default data/node-1)
          --config FILE        extra HOCON file layered on node.conf (ACTORS_CONFIG)
        """;

    public sealed record Result(NodeOptions Options, string? ConfigFile);

    /// <summary>Returns the options, or throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static Result Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--host", "--port", "--seeds", "--members", "--node-id", "--cmd-host", "--cmd-port", "--cmd-token", "--data-dir", "--config"];
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string name, value;
            var eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            else
            {
                name = a;
                if (i + 1 >= args.Count) throw new ArgumentException($"{a} needs a value");
                value = args[++i];
            }
            if (!known.Contains(name)) throw new ArgumentException($"unknown option {name}");
            flags[name] = value;
        }

        string? Get(string flag, string variable) =>
            flags.TryGetValue(flag, out var v) ? v : (env(variable) is { Length: > 0 } e ? e : null);

        int? Port(string flag, string variable)
        {
            var s = Get(flag, variable);
            if (s is null) return null;
            if (!int.TryParse(s, out var p) || p < 0 || p > 65535) throw new ArgumentException($"{flag}: '{s}' is not a port (0-65535)");
            return p;
        }

        ImmutableArray<string> List(string flag, string variable)
        {
            var s = Get(flag, variable);
            if (s is null) return [];
            var items = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToImmutableArray();
            foreach (var item in items)
            {
                if (!PaxosSettings.IsEndpoint(item)) throw new ArgumentException($"{flag}: '{item}' is not host:port");
            }
            return items;
        }

        int? NodeId()
        {
            var s = Get("--node-id", "ACTORS_NODE_ID");
            if (s is null) return null;
            if (!int.TryParse(s, out var id) || id < 0) throw new ArgumentException($"--node-id: '{s}' is not a node id (0 or more)");
            return id;
        }

        var options = new NodeOptions
        {
            Host = Get("--host", "ACTORS_HOST") ?? "127.0.0.1",
            Port = Port("--port", "ACTORS_PORT") ?? 4053,
            Seeds = List("--seeds", "ACTORS_SEEDS"),
            Members = List("--members", "ACTORS_MEMBERS"),
            NodeId = NodeId(),
            CommandHost = Get("--cmd-host", "ACTORS_CMD_HOST"),
            CommandPort = Port("--cmd-port", "ACTORS_CMD_PORT"),
            CommandToken = Get("--cmd-token", CommandProtocol.TokenEnvironmentVariable),
            DataDir = Get("--data-dir", "ACTORS_DATA_DIR") ?? "data/node-1",
        };
        return new Result(options, Get("--config", "ACTORS_CONFIG"));
    }
}
