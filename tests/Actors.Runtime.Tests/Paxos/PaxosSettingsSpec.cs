using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class PaxosSettingsSpec
{
    private static Config With(string hocon) => ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 4053 }
        """));

    [Fact]
    public void The_defaults_fit_the_frame_size()
    {
        var s = PaxosSettings.Create(With(""));
        Assert.Equal(1024 * 1024, s.SnapshotChunkBytes);
    }

    [Theory]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 4MiB", "max-batch-bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 8MiB\nactors.paxos.max-batch-bytes = 1MiB\nactors.kv.max-value-bytes = 4MiB", "max-value-bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 1MiB\nactors.paxos.max-batch-bytes = 256KiB\nactors.kv.max-value-bytes = 128KiB", "snapshot-chunk-bytes")]
    public void Settings_that_would_make_a_message_larger_than_a_frame_fail_at_start(string hocon, string named)
    {
        var e = Assert.Throws<ConfigurationException>(() => PaxosSettings.Create(With(hocon)));
        Assert.Contains(named, e.Message);
        Assert.Contains("maximum-frame-size", e.Message);
    }

    private const string Members = """actors.paxos.members = ["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"]""";

    private static PaxosSettings Settings(string self, int? nodeId = null) => PaxosSettings.Create(ConfigurationFactory.ParseString($"""
        {Members}
        actors.paxos.self = "{self}"
        {(nodeId is { } id ? $"actors.paxos.node-id = {id}" : "")}
        """));

    [Fact]
    public void An_acceptor_takes_its_position_in_the_member_list_as_its_id()
    {
        var s = Settings("127.0.0.1:4054");
        Assert.Equal(2, s.Self);
        Assert.False(s.IsLearner);
        Assert.Equal("paxos-node-2", s.ClusterRole);
        Assert.Equal(2, Settings("127.0.0.1:4054", 2).Self);
    }

    [Fact]
    public void An_acceptor_whose_node_id_differs_from_its_position_fails_fast()
    {
        var e = Assert.Throws<ConfigurationException>(() => Settings("127.0.0.1:4054", 3));
        Assert.Contains("member 2 of actors.paxos.members", e.Message);
        Assert.Contains("set node-id to 2 or 0", e.Message);
    }

    [Fact]
    public void A_node_outside_the_member_list_is_a_learner_with_its_node_id()
    {
        var s = Settings("127.0.0.1:4060", 7);
        Assert.Equal(7, s.Self);
        Assert.True(s.IsLearner);
        Assert.Equal("127.0.0.1:4060", s.SelfEndpoint);
        Assert.Equal([1, 2, 3], s.Core.Members.ToArray());
    }

    [Fact]
    public void A_learner_without_a_node_id_or_with_an_acceptors_id_fails_fast_naming_the_key()
    {
        var none = Assert.Throws<ConfigurationException>(() => Settings("127.0.0.1:4060"));
        Assert.Contains("set actors.paxos.node-id", none.Message);
        Assert.Contains("unique id above 3", none.Message);
        var taken = Assert.Throws<ConfigurationException>(() => Settings("127.0.0.1:4060", 3));
        Assert.Contains("unique id above 3", taken.Message);
        Assert.Throws<ConfigurationException>(() => Settings("127.0.0.1:4060", -1));
    }

    [Fact]
    public void The_fingerprint_depends_on_the_members_and_their_order_not_on_the_node()
    {
        Assert.Equal(Settings("127.0.0.1:4053").Fingerprint, Settings("127.0.0.1:4060", 9).Fingerprint);
        var reordered = PaxosSettings.FingerprintOf(["127.0.0.1:4054", "127.0.0.1:4053", "127.0.0.1:4055"]);
        Assert.NotEqual(Settings("127.0.0.1:4053").Fingerprint, reordered);
        Assert.Equal(PaxosSettings.FingerprintOf(["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"], Core.Log.LogRules.Default.Fingerprint),
            Settings("127.0.0.1:4055").Fingerprint);
    }

    [Fact]
    public void The_fingerprint_differs_when_the_rules_commands_apply_with_differ()
    {
        var ttl = PaxosSettings.Create(ConfigurationFactory.ParseString($"""
            {Members}
            actors.paxos.self = "127.0.0.1:4053"
            actors.kv.session-ttl = 5s
            """));
        Assert.NotEqual(Settings("127.0.0.1:4053").Fingerprint, ttl.Fingerprint);
        Assert.Contains("ttl:5000", ttl.Rules);
    }

    [Fact]
    public void The_node_configuration_joins_the_cluster_with_the_role_naming_its_id_and_keeps_other_roles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actors-settings-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var config = ActorsNode.BuildConfig(new NodeOptions
            {
                Port = 4060,
                Members = ["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"],
                NodeId = 7,
                DataDir = dir,
            }, ConfigurationFactory.ParseString("akka.cluster.roles = [worker, paxos-node-3]"));
            // A ring member by default: it asks the leader for a share of the ring. Its log's role scopes clients and shards.
            var settings = PaxosSettings.Create(config);
            Assert.Equal(["worker", "paxos-node-7", settings.LogRole, "ring-member"], config.GetStringList("akka.cluster.roles").ToArray());
            Assert.Equal(7, settings.Self);
            Assert.Equal(settings.LogRole, config.GetString("akka.cluster.client.receptionist.role"));
            Assert.Equal(settings.LogRole, config.GetString("akka.cluster.pub-sub.role"));
            Assert.Equal(settings.LogRole, config.GetString("akka.cluster.sharding.role"));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Acceptors_carry_the_acceptor_role_learners_do_not_and_the_split_brain_resolver_counts_that_role()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actors-settings-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string[] members = ["127.0.0.1:4053", "127.0.0.1:4054", "127.0.0.1:4055"];
            var acceptor = ActorsNode.BuildConfig(new NodeOptions { Port = 4054, Members = [.. members], DataDir = dir },
                ConfigurationFactory.ParseString("akka.cluster.roles = [paxos-acceptor]"));
            var learner = ActorsNode.BuildConfig(new NodeOptions { Port = 4060, Members = [.. members], NodeId = 7, DataDir = dir },
                ConfigurationFactory.ParseString("akka.cluster.roles = [paxos-acceptor]"));
            var role = PaxosSettings.Create(acceptor).AcceptorRole;
            Assert.StartsWith(PaxosSettings.AcceptorRolePrefix, role);
            Assert.Single(acceptor.GetStringList("akka.cluster.roles"), r => r.StartsWith("paxos-acceptor", StringComparison.Ordinal));
            Assert.Contains(role, acceptor.GetStringList("akka.cluster.roles"));
            // A learner configured with the role by mistake does not keep it: it would outvote an acceptor.
            Assert.DoesNotContain(learner.GetStringList("akka.cluster.roles"), r => r.StartsWith("paxos-acceptor", StringComparison.Ordinal));
            // Both carry their log's role, the same for both (one acceptor list, one set of rules).
            Assert.Contains(PaxosSettings.Create(acceptor).LogRole, learner.GetStringList("akka.cluster.roles"));
            // 3 acceptors and 2 learners split {1,2} | {3,4,5}: counted by this role, the side of acceptors 1 and 2 keeps
            // the cluster, which is the side that can commit.
            var sbr = new Akka.Cluster.SBR.SplitBrainResolverSettings(acceptor);
            Assert.Equal("keep-majority", sbr.DowningStrategy);
            Assert.Equal(role, sbr.KeepMajorityRole);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void A_node_without_a_member_list_whose_seeds_name_other_nodes_refuses_to_start()
    {
        var e = Assert.Throws<ConfigurationException>(() => PaxosSettings.Create(With("""
            akka.cluster.seed-nodes = ["akka.tcp://actors@127.0.0.1:4054", "akka.tcp://actors@127.0.0.1:4053"]
            """)));
        Assert.Contains("actors.paxos.members is empty", e.Message);
        Assert.Contains("akka.tcp://actors@127.0.0.1:4054", e.Message);
        // Alone (its own address as its seed) it is a cluster of one, as before.
        Assert.Single(PaxosSettings.Create(With("""akka.cluster.seed-nodes = ["akka.tcp://actors@127.0.0.1:4053"]""")).Members);
    }

    [Fact]
    public void A_data_directory_keeps_the_acceptor_list_it_was_written_under_and_refuses_another()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actors-members-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            ActorsNode.KeepMembers(dir, ["127.0.0.1:4054", "127.0.0.1:4055", "127.0.0.1:4056"]);
            ActorsNode.KeepMembers(dir, ["127.0.0.1:4054", "127.0.0.1:4055", "127.0.0.1:4056"]); // a restart
            // The same directory started as the only member of a log of its own (or in another cluster): refused.
            var e = Assert.Throws<ConfigurationException>(() => ActorsNode.KeepMembers(dir, ["127.0.0.1:4054"]));
            Assert.Contains("holds the log of the acceptors [127.0.0.1:4054, 127.0.0.1:4055, 127.0.0.1:4056]", e.Message);
            Assert.Throws<ConfigurationException>(() => ActorsNode.KeepMembers(dir, ["127.0.0.1:4055", "127.0.0.1:4054", "127.0.0.1:4056"]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
