using System.Collections.Immutable;
using Actors.Core.Paxos;
using Akka.Configuration;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Settings of the consensus roles, read from <c>actors.paxos</c>. Members are "host:port" Akka.Remote
/// endpoints of the ActorSystem <see cref="SystemName"/>; a member's node id is its 1-based position in the
/// list (node i of a local cluster is member i).
/// </summary>
public sealed class PaxosSettings
{
    /// <summary>The ActorSystem name every member runs.</summary>
    public const string SystemName = "actors";

    private PaxosSettings(ImmutableArray<string> members, int self, TimeSpan tick, PaxosConfig core, int snapshotChunkBytes)
    {
        SnapshotChunkBytes = snapshotChunkBytes;
        Members = members;
        Self = self;
        TickInterval = tick;
        Core = core;
    }

    /// <summary>"host:port" of each member; member i is at index i - 1.</summary>
    public ImmutableArray<string> Members { get; }

    /// <summary>This node's id.</summary>
    public int Self { get; }

    public TimeSpan TickInterval { get; }

    /// <summary>Bytes of a snapshot per catch-up message at most.</summary>
    public int SnapshotChunkBytes { get; }

    /// <summary>Room kept in a frame for a message's envelope and fields around its payload.</summary>
    public const long FrameOverhead = 64 * 1024;

    /// <summary>The parameters the pure roles run with.</summary>
    public PaxosConfig Core { get; }

    /// <summary>Akka address of member <paramref name="node"/>.</summary>
    public string AddressOf(int node) => AddressOf(EndpointOf(node));

    /// <summary>The Akka address of the node listening on <paramref name="endpoint"/> ("host:port").</summary>
    public static string AddressOf(string endpoint) => $"akka.tcp://{SystemName}@{endpoint}";

    /// <summary>"host:port" of member <paramref name="node"/>.</summary>
    public string EndpointOf(int node) => Members[node - 1];

    /// <summary>Node ids of all members, 1 to N.</summary>
    public IEnumerable<int> Ids => Enumerable.Range(1, Members.Length);

    /// <summary>Reads and validates the settings; <paramref name="config"/> is the whole system configuration.</summary>
    public static PaxosSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        const string p = "actors.paxos.";
        var self = c.GetString(p + "self", "");
        if (string.IsNullOrWhiteSpace(self))
            self = $"{c.GetString("akka.remote.dot-netty.tcp.hostname")}:{c.GetInt("akka.remote.dot-netty.tcp.port")}";
        var members = (c.HasPath(p + "members") ? c.GetStringList(p + "members") : []).Select(m => m.Trim()).ToImmutableArray();
        if (members.IsEmpty) members = [self];
        foreach (var m in members)
            if (!IsEndpoint(m)) throw new ConfigurationException($"actors.paxos.members: '{m}' is not host:port");
        if (members.Distinct().Count() != members.Length)
            throw new ConfigurationException("actors.paxos.members: a member is listed twice");
        var id = members.IndexOf(self) + 1;
        if (id < 1)
            throw new ConfigurationException($"actors.paxos.members does not list this node ({self}); members: {string.Join(", ", members)}");

        var core = new PaxosConfig(
            Enumerable.Range(1, members.Length).ToImmutableArray(),
            Window: ActorsConfig.Int(c, p + "window", 1, 1024),
            MaxBatch: ActorsConfig.Int(c, p + "max-batch", 1),
            HeartbeatTicks: ActorsConfig.Int(c, p + "heartbeat-ticks", 1),
            ElectionTimeoutTicks: ActorsConfig.Int(c, p + "election-timeout-ticks", 2),
            RetransmitTicks: ActorsConfig.Int(c, p + "retransmit-ticks", 1),
            SnapshotEvery: ActorsConfig.Int(c, p + "snapshot-every", 1),
            CatchUpBatch: ActorsConfig.Int(c, p + "catch-up-batch", 1),
            MaxPending: ActorsConfig.Int(c, p + "max-pending", 1),
            IdleStampTicks: ActorsConfig.Int(c, p + "idle-stamp-ticks", 1),
            MaxBatchBytes: (int)ActorsConfig.Bytes(c, p + "max-batch-bytes", 1024, 64L * 1024 * 1024));
        try
        {
            core.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException("actors." + e.Message.Replace(": ", ".", StringComparison.Ordinal), e);
        }
        var chunk = (int)ActorsConfig.Bytes(c, p + "snapshot-chunk-bytes", 1024, 8L * 1024 * 1024);
        // A message over the transport's frame size is dropped without a word: refuse settings that would make one.
        var frame = c.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000;
        if (core.MaxBatchBytes + FrameOverhead > frame)
            throw new ConfigurationException($"actors.paxos.max-batch-bytes ({core.MaxBatchBytes} bytes) plus {FrameOverhead} bytes of overhead does not fit akka.remote.dot-netty.tcp.maximum-frame-size ({frame} bytes); lower the one or raise the other");
        // One command always travels whole, even when it is larger than a batch.
        var command = (c.GetByteSize("actors.kv.max-value-bytes") ?? 0) * 2 + (c.GetByteSize("actors.kv.max-key-bytes") ?? 0);
        if (command + FrameOverhead > frame)
            throw new ConfigurationException($"a command with a value of actors.kv.max-value-bytes (a cas carries two) plus {FrameOverhead} bytes of overhead does not fit akka.remote.dot-netty.tcp.maximum-frame-size ({frame} bytes)");
        if (chunk + FrameOverhead > frame)
            throw new ConfigurationException($"actors.paxos.snapshot-chunk-bytes ({chunk} bytes) plus {FrameOverhead} bytes of overhead does not fit akka.remote.dot-netty.tcp.maximum-frame-size ({frame} bytes)");
        return new PaxosSettings(members, id, ActorsConfig.Duration(c, p + "tick-interval"), core, chunk);
    }

    /// <summary>True for "host:port" with a non-empty host and a port from 1 to 65535.</summary>
    public static bool IsEndpoint(string s)
    {
        var i = s.LastIndexOf(':');
        return i > 0 && int.TryParse(s[(i + 1)..], out var port) && port is > 0 and < 65536;
    }
}
