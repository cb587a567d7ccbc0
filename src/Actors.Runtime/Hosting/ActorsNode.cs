using Actors.Runtime.Kv;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace Actors.Runtime.Hosting;

/// <summary>Builds a node's configuration and starts its actors in an ActorSystem.</summary>
public static class ActorsNode
{
    /// <summary>
    /// The node's configuration: <paramref name="options"/> first, then <paramref name="overrides"/>, then
    /// node.conf, then the reference actors.conf, with the cluster role naming this node's id added to
    /// <c>akka.cluster.roles</c> (<see cref="WithNodeRole"/>). Creates the data directory and its SQLite database.
    /// Throws <see cref="ConfigurationException"/> when the Paxos settings are invalid.
    /// </summary>
    public static Config BuildConfig(NodeOptions options, Config? overrides = null)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var journal = PrepareSqlite(Path.Combine(dataDir, "journal.db"));
        var snapshots = PrepareSqlite(Path.Combine(dataDir, "snapshots.db"));
        string Q(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        string List(IEnumerable<string> xs) => "[" + string.Join(", ", xs.Select(Q)) + "]";

        var seeds = options.Seeds.IsDefaultOrEmpty ? [options.Endpoint] : options.Seeds;
        var hocon = $$"""
            actors.node.data-dir = {{Q(dataDir)}}
            actors.paxos.self = {{Q(options.Endpoint)}}
            akka.remote.dot-netty.tcp.hostname = {{Q(options.Host)}}
            akka.remote.dot-netty.tcp.port = {{options.Port}}
            akka.cluster.seed-nodes = {{List(seeds.Select(PaxosSettings.AddressOf))}}
            akka.persistence.journal.sql.connection-string = {{Q(journal)}}
            akka.persistence.snapshot-store.sql.connection-string = {{Q(snapshots)}}
            """;
        // With no members given here, the configuration's list applies (empty: this node alone, unless its seeds name others).
        if (!options.Members.IsDefaultOrEmpty) hocon += $"\nactors.paxos.members = {List(options.Members)}";
        if (options.NodeId is { } nodeId) hocon += $"\nactors.paxos.node-id = {nodeId}";
        if (options.CommandPort is { } cmdPort) hocon += $"\nactors.cmd.port = {cmdPort}";
        if (options.CommandHost is { } cmdHost) hocon += $"\nactors.cmd.host = {Q(cmdHost)}";
        if (options.CommandToken is { } token) hocon += $"\nactors.cmd.token = {Q(token)}";

        var config = ConfigurationFactory.ParseString(hocon);
        if (overrides is not null) config = config.WithFallback(overrides);
        var built = WithNodeRole(config
            .WithFallback(ConfigurationFactory.ParseString(ActorsConfig.ReadResource("node.conf")))
            .WithFallback(ActorsConfig.Reference)
            .WithFallback(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration));
        KeepMembers(dataDir, PaxosSettings.Create(built).Members);
        return built;
    }

    /// <summary>The file in a data directory that names the acceptor list its log was written under, one endpoint a line.</summary>
    public const string MembersFile = "paxos-members";

    /// <summary>
    /// Records <paramref name="members"/> in <paramref name="dataDir"/> the first time, and refuses a directory written under
    /// another acceptor list: its acceptor's promises and accepted values and its replica's state belong to another log, and
    /// taken into this one they would make it choose two values for a slot.
    /// </summary>
    /// <exception cref="ConfigurationException">The directory holds the log of another acceptor list.</exception>
    public static void KeepMembers(string dataDir, IReadOnlyList<string> members)
    {
        var path = Path.Combine(dataDir, MembersFile);
        var text = string.Join("\n", members) + "\n";
        if (!File.Exists(path))
        {
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, text);
            File.Move(tmp, path, overwrite: true);
            return;
        }
        var held = File.ReadAllText(path);
        if (held == text) return;
        throw new ConfigurationException(
            $"the data directory {dataDir} holds the log of the acceptors [{string.Join(", ", held.Split('\n', StringSplitOptions.RemoveEmptyEntries))}] " +
            $"(its {MembersFile} file), but this node is configured with [{string.Join(", ", members)}]: start it with the list its data was " +
            "written under, or give it another data directory to join another cluster as a new node");
    }

    /// <summary>
    /// <paramref name="config"/> with <see cref="PaxosSettings.ClusterRole"/> (<c>paxos-node-{id}</c>), on an acceptor
    /// <see cref="PaxosSettings.AcceptorRole"/> (which the split-brain resolver counts), the ring roles (<see cref="Ring.RingSettings.Roles"/>) and the log's role
    /// (<see cref="PaxosSettings.LogRole"/>) added to <c>akka.cluster.roles</c>, so the learner directory of every node can
    /// find this one, the split-brain resolver counts the acceptors, and the leader knows whether it takes a share of the
    /// ring. Roles already configured are kept. The ClusterClient receptionist, distributed pub-sub and cluster sharding are
    /// set to the log's role: a node of another log that joins the same Akka cluster receives no client request and no shard.
    /// </summary>
    public static Config WithNodeRole(Config config)
    {
        var settings = PaxosSettings.Create(config);
        var ring = Ring.RingSettings.Create(config);
        var roles = (config.HasPath("akka.cluster.roles") ? config.GetStringList("akka.cluster.roles") : [])
            .Where(r => PaxosSettings.IdOfRole(r) is null && r != Ring.RingSettings.MemberRole && r != "paxos-acceptor"
                        && !r.StartsWith(PaxosSettings.AcceptorRolePrefix, StringComparison.Ordinal)
                        && !r.StartsWith(Ring.RingSettings.WeightRolePrefix, StringComparison.Ordinal)
                        && !r.StartsWith(PaxosSettings.LogRolePrefix, StringComparison.Ordinal))
            .Append(settings.ClusterRole)
            .Append(settings.LogRole)
            .Concat(settings.IsLearner ? [] : [settings.AcceptorRole])
            .Concat(ring.Roles);
        var list = string.Join(", ", roles.Select(r => "\"" + r.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""));
        return ConfigurationFactory.ParseString($$"""
            akka.cluster.roles = [{{list}}]
            akka.cluster.client.receptionist.role = "{{settings.LogRole}}"
            akka.cluster.pub-sub.role = "{{settings.LogRole}}"
            akka.cluster.sharding.role = "{{settings.LogRole}}"
            akka.cluster.split-brain-resolver.keep-majority.role = "{{settings.AcceptorRole}}"
            """).WithFallback(config);
    }

    /// <summary>
    /// Creates the database file in WAL mode (durable with synchronous=FULL, one fsync per commit) and
    /// returns its connection string.
    /// </summary>
    public static string PrepareSqlite(string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var conn = new SqliteConnection(cs);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
        return cs;
    }

    /// <summary>
    /// Starts <c>/user/log</c> (and its alias <c>/user/kv</c>), <c>/user/ring</c>, <c>/user/paxos</c> (acceptor, proposer, replica; a learner runs no
    /// acceptor) and the counter's shard region with settings read from the system's configuration.
    /// </summary>
    public static ActorsNodeRefs Start(ActorSystem system) =>
        Start(system, PaxosSettings.Create(system.Settings.Config), KvSettings.Create(system.Settings.Config));

    /// <summary>
    /// Starts <c>/user/log</c>, <c>/user/kv</c>, <c>/user/ring</c> and <c>/user/paxos</c> with settings already read from the system's configuration.
    /// Throws <see cref="InvalidOperationException"/> when the system's cluster roles do not name this node's id and log
    /// (build the configuration with <see cref="BuildConfig"/> or <see cref="WithNodeRole"/>).
    /// </summary>
    public static ActorsNodeRefs Start(ActorSystem system, PaxosSettings paxos, KvSettings kv)
    {
        var roles = Akka.Cluster.Cluster.Get(system).SelfRoles;
        if (!roles.Contains(paxos.ClusterRole) || roles.Count(r => PaxosSettings.IdOfRole(r) is not null) != 1 || !roles.Contains(paxos.LogRole))
            throw new InvalidOperationException(
                $"this node's cluster roles [{string.Join(", ", roles)}] must name its id with exactly one paxos-node-N role, {paxos.ClusterRole}, " +
                $"and its log, {paxos.LogRole} (which scopes clients and shards to this log): " +
                "build its configuration with ActorsNode.BuildConfig or ActorsNode.WithNodeRole");
        var transport = new PaxosTransport(system, paxos);
        var entry = system.ActorOf(Entry.LogEntryActor.Props(kv, transport), "log");
        var alias = system.ActorOf(Entry.EntryAlias.Props(entry), "kv");
        // Before the replica, so it hears the ring the replica publishes once it has recovered.
        var ringActor = system.ActorOf(Ring.RingActor.Props(transport), "ring");
        var paxosActor = system.ActorOf(PaxosSupervisor.Props(transport, kv.Rules, entry), "paxos");
        // Systems outside the cluster reach /user/log (and /user/kv, as before) through ClusterClient and this node's receptionist.
        ClusterClientReceptionist.Get(system).RegisterService(entry);
        ClusterClientReceptionist.Get(system).RegisterService(alias);
        var sharding = Sharding.ShardingSettings.Create(system.Settings.Config);
        var counter = sharding.Counter
            ? Sharding.ActorsSharding.StartRegion(system, Sharding.CounterEntity.TypeName, id => Sharding.CounterEntity.Props(id, sharding), sharding,
                Sharding.EntityStop.Instance)
            : null;
        return new ActorsNodeRefs(entry, paxosActor, paxos, kv, transport, ringActor, sharding, counter);
    }
}

/// <summary>
/// The top-level actors of a node and the settings they run with; <see cref="Counter"/> is the built-in counter's shard
/// region, or null when <c>actors.sharding.counter</c> is off.
/// </summary>
public sealed record ActorsNodeRefs(IActorRef Entry, IActorRef Paxos, PaxosSettings PaxosSettings, KvSettings KvSettings, PaxosTransport Transport,
    IActorRef Ring, Sharding.ShardingSettings Sharding, IActorRef? Counter);
