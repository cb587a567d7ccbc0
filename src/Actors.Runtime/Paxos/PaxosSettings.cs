using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text;
using Actors.Core.Paxos;
using Akka.Configuration;

namespace Actors.Runtime.Paxos;

/// <summary>
/// Settings of the consensus roles, read from <c>actors.paxos</c>. Members are the "host:port" Akka.Remote
/// endpoints of the acceptors (ActorSystem <see cref="SystemName"/>); an acceptor's node id is its 1-based
/// position in the list (node i of a local cluster is member i). A node not in the list is a learner and needs
/// <c>actors.paxos.node-id</c>: an id above the member count, unique in the cluster.
/// </summary>
public sealed class PaxosSettings
{
    /// <summary>The ActorSystem name every node runs.</summary>
    public const string SystemName = "actors";

    /// <summary>Prefix of the Akka.Cluster role that names a node's id ("paxos-node-7").</summary>
    public const string RolePrefix = "paxos-node-";

    /// <summary>
    /// Prefix of the Akka.Cluster role every acceptor carries (learners do not), followed by its log's fingerprint
    /// (<see cref="AcceptorRole"/>): the split-brain resolver keeps the side with the majority of this log's acceptors,
    /// which is the side that can commit. An acceptor of another log in the same Akka cluster is not counted.
    /// </summary>
    public const string AcceptorRolePrefix = "paxos-acceptor-";

    /// <summary>
    /// Prefix of the Akka.Cluster role that names a node's log by its <see cref="Fingerprint"/> ("paxos-log-703d00bab63d5e37").
    /// Clients (the ClusterClient receptionist and its pub-sub) and shard regions use only members with this node's log role,
    /// so a node of another log that joins the Akka cluster (another acceptor list, other apply rules) serves none of them.
    /// </summary>
    public const string LogRolePrefix = "paxos-log-";

    private PaxosSettings(ImmutableArray<string> members, int self, string selfEndpoint, TimeSpan tick, PaxosConfig core, int snapshotChunkBytes)
    {
        SnapshotChunkBytes = snapshotChunkBytes;
        Members = members;
        Self = self;
        SelfEndpoint = selfEndpoint;
        TickInterval = tick;
        Core = core;
    }

    /// <summary>"host:port" of each acceptor; member i is at index i - 1.</summary>
    public ImmutableArray<string> Members { get; }

    /// <summary>This node's id: its position in <see cref="Members"/> for an acceptor, actors.paxos.node-id for a learner.</summary>
    public int Self { get; }

    /// <summary>This node's "host:port".</summary>
    public string SelfEndpoint { get; }

    /// <summary>True when this node is not an acceptor.</summary>
    public bool IsLearner => Self > Members.Length;

    public TimeSpan TickInterval { get; }

    /// <summary>Bytes of a snapshot per catch-up message at most.</summary>
    public int SnapshotChunkBytes { get; }

    /// <summary>Room kept in a frame for a message's envelope and fields around its payload.</summary>
    public const long FrameOverhead = 64 * 1024;

    /// <summary>The parameters the pure roles run with.</summary>
    public PaxosConfig Core { get; }

    /// <summary>The apply rules in the fingerprint, as text (for log lines).</summary>
    public string Rules { get; private init; } = "";

    /// <summary>Fingerprint of the ordered acceptor list and the apply rules, the same on every node configured alike.</summary>
    public ulong Fingerprint => Core.Fingerprint;

    /// <summary>The Akka.Cluster role this node joins with, naming its id.</summary>
    public string ClusterRole => RoleOf(Self);

    /// <summary>The role naming this node's log: <see cref="LogRolePrefix"/> and the fingerprint in hex.</summary>
    public string LogRole => LogRolePrefix + FingerprintHex;

    /// <summary>The role of this log's acceptors: <see cref="AcceptorRolePrefix"/> and the fingerprint in hex.</summary>
    public string AcceptorRole => AcceptorRolePrefix + FingerprintHex;

    private string FingerprintHex => Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The log role among <paramref name="roles"/> when it names another log than this node's, else null (this log, or a
    /// member that carries none: a client system or a node of an older version).
    /// </summary>
    public string? OtherLog(IEnumerable<string> roles) =>
        roles.FirstOrDefault(r => r.StartsWith(LogRolePrefix, StringComparison.Ordinal)) is { } log && log != LogRole ? log : null;

    /// <summary>Akka address of member <paramref name="node"/>.</summary>
    public string AddressOf(int node) => AddressOf(EndpointOf(node));

    /// <summary>The Akka address of the node listening on <paramref name="endpoint"/> ("host:port").</summary>
    public static string AddressOf(string endpoint) => $"akka.tcp://{SystemName}@{endpoint}";

    /// <summary>"host:port" of member <paramref name="node"/> (an acceptor id, 1 to N).</summary>
    public string EndpointOf(int node) => Members[node - 1];

    /// <summary>Node ids of all members, 1 to N.</summary>
    public IEnumerable<int> Ids => Enumerable.Range(1, Members.Length);

    /// <summary>True when <paramref name="node"/> is an acceptor id.</summary>
    public bool IsMember(int node) => node >= 1 && node <= Members.Length;

    /// <summary>The cluster role naming node id <paramref name="node"/>.</summary>
    public static string RoleOf(int node) => RolePrefix + node;

    /// <summary>The node id a cluster role names, or null for any other role.</summary>
    public static int? IdOfRole(string role) =>
        role.StartsWith(RolePrefix, StringComparison.Ordinal) && int.TryParse(role.AsSpan(RolePrefix.Length), out var id) && id > 0
            ? id
            : null;

    /// <summary>
    /// A stable 64-bit hash (xxHash64) of the ordered endpoints and of the rules commands are applied with (key and
    /// value limits, session TTL, <see cref="Core.Log.LogRules.Fingerprint"/>): a command must apply the same on every
    /// node, so nodes whose lists or rules differ refuse each other.
    /// </summary>
    public static ulong FingerprintOf(IEnumerable<string> members, string rules = "") =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(string.Join("\n", members) + "\n#" + rules));

    /// <summary>Reads and validates the settings; <paramref name="config"/> is the whole system configuration.</summary>
    public static PaxosSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        const string p = "actors.paxos.";
        var self = c.GetString(p + "self", "");
        if (string.IsNullOrWhiteSpace(self))
            self = $"{c.GetString("akka.remote.dot-netty.tcp.hostname")}:{c.GetInt("akka.remote.dot-netty.tcp.port")}";
        var members = (c.HasPath(p + "members") ? c.GetStringList(p + "members") : []).Select(m => m.Trim()).ToImmutableArray();
        if (members.IsEmpty)
        {
            // Alone, a node with no member list is the only acceptor of a log of its own. Given another node's address as a
            // seed, it would join that cluster and lead its own log beside the cluster's: refuse to start instead.
            var seeds = c.HasPath("akka.cluster.seed-nodes") ? c.GetStringList("akka.cluster.seed-nodes") : [];
            var own = AddressOf(self);
            var others = seeds.Where(s => !string.Equals(s.Trim(), own, StringComparison.OrdinalIgnoreCase)).ToList();
            if (others.Count > 0 && ActorsConfig.Int(c, p + "node-id", 0) == 0)
                throw new ConfigurationException(
                    $"actors.paxos.members is empty, so this node would be the only acceptor of a log of its own, but its seed nodes " +
                    $"({string.Join(", ", others)}) belong to another cluster; give it that cluster's member list (--members, the same " +
                    "on every node) and, to join as a learner, a node id above the member count (--node-id)");
            members = [self];
        }
        foreach (var m in members)
            if (!IsEndpoint(m)) throw new ConfigurationException($"actors.paxos.members: '{m}' is not host:port");
        if (members.Distinct().Count() != members.Length)
            throw new ConfigurationException("actors.paxos.members: a member is listed twice");
        var id = NodeId(members, self, ActorsConfig.Int(c, p + "node-id", 0));

        var rules = Kv.KvSettings.Create(c).Rules.Fingerprint;
        var chunk = (int)ActorsConfig.Bytes(c, p + "snapshot-chunk-bytes", 1024, 8L * 1024 * 1024);
        var core = new PaxosConfig(
            Enumerable.Range(1, members.Length).ToImmutableArray(),
            Window: ActorsConfig.Int(c, p + "window", 1, 1024),
            MaxWindow: ActorsConfig.Int(c, p + "max-window", 1, 4096),
            MaxBatch: ActorsConfig.Int(c, p + "max-batch", 1),
            HeartbeatTicks: ActorsConfig.Int(c, p + "heartbeat-ticks", 1),
            ElectionTimeoutTicks: ActorsConfig.Int(c, p + "election-timeout-ticks", 2),
            RetransmitTicks: ActorsConfig.Int(c, p + "retransmit-ticks", 1),
            SnapshotEvery: ActorsConfig.Int(c, p + "snapshot-every", 1),
            CatchUpBatch: ActorsConfig.Int(c, p + "catch-up-batch", 1),
            MaxPending: ActorsConfig.Int(c, p + "max-pending", 1),
            IdleStampTicks: ActorsConfig.Int(c, p + "idle-stamp-ticks", 1),
            MaxBatchBytes: (int)ActorsConfig.Bytes(c, p + "max-batch-bytes", 1024, 64L * 1024 * 1024),
            Fingerprint: FingerprintOf(members, rules),
            SnapshotChunkBytes: chunk);
        try
        {
            core.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException("actors." + e.Message.Replace(": ", ".", StringComparison.Ordinal), e);
        }
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
        return new PaxosSettings(members, id, self, ActorsConfig.Duration(c, p + "tick-interval"), core, chunk) { Rules = rules };
    }

    /// <summary>An acceptor's id is its position; a learner's is node-id, which must be above the member count.</summary>
    private static int NodeId(ImmutableArray<string> members, string self, int configured)
    {
        var position = members.IndexOf(self) + 1;
        var n = members.Length;
        if (position >= 1)
        {
            if (configured != 0 && configured != position)
                throw new ConfigurationException(
                    $"actors.paxos.node-id is {configured}, but this node ({self}) is member {position} of actors.paxos.members, " +
                    $"and an acceptor's id is its position: set node-id to {position} or 0");
            return position;
        }
        if (configured == 0)
            throw new ConfigurationException(
                $"this node ({self}) is not in actors.paxos.members ({string.Join(", ", members)}), so it is a learner: " +
                $"set actors.paxos.node-id (--node-id, ACTORS_NODE_ID) to a unique id above {n}");
        if (configured <= n)
            throw new ConfigurationException(
                $"actors.paxos.node-id is {configured}, but ids 1 to {n} belong to the acceptors in actors.paxos.members " +
                $"and this node ({self}) is not one of them: set node-id to a unique id above {n}");
        return configured;
    }

    /// <summary>True for "host:port" with a non-empty host and a port from 1 to 65535.</summary>
    public static bool IsEndpoint(string s)
    {
        var i = s.LastIndexOf(':');
        return i > 0 && int.TryParse(s[(i + 1)..], out var port) && port is > 0 and < 65536;
    }
}
