using System.Collections.Immutable;
using System.Net.Sockets;
using Akka.Actor;
using Actors.Cluster.Tests.Support;
using Actors.Testing.Processes;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

public sealed class LocalClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kv_through_the_cli_survives_kill_9_of_the_leader_and_the_restarted_node_catches_up()
    {
        await using var c = TestClusters.Create(24150, 29150);
        var start = await c.Script("start", "3");
        output.WriteLine(start.ToString());
        Assert.True(start.ExitCode == 0, start.ToString());

        var put = await c.CliUntil(1, 0, TimeSpan.FromSeconds(30), "kv", "put", "a", "1");
        Assert.True(put.ExitCode == 0, put.ToString());
        var get = await c.Cli(3, "kv", "get", "a");
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("1", get.Stdout.Trim());

        var missing = await c.Cli(2, "kv", "get", "no-such-key");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("", missing.Stdout);

        var leader = await c.Leader(1) ?? throw new Xunit.Sdk.XunitException("no leader");
        var killed = await c.Script("kill", leader.ToString());
        Assert.True(killed.ExitCode == 0, killed.ToString());
        var survivor = leader % 3 + 1;

        // Writes continue on the majority once a new leader is elected.
        var afterKill = await c.CliUntil(survivor, 0, TimeSpan.FromSeconds(60), "kv", "put", "a", "2");
        Assert.True(afterKill.ExitCode == 0, afterKill.ToString());
        for (var i = 0; i < 20; i++)
            Assert.Equal(0, (await c.CliUntil(survivor, 0, TimeSpan.FromSeconds(30), "kv", "put", $"k{i}", $"v{i}")).ExitCode);
        var cas = await c.Cli(survivor, "kv", "cas", "a", "2", "3");
        Assert.True(cas.ExitCode == 0, cas.ToString());
        var casFails = await c.Cli(survivor, "kv", "cas", "a", "2", "4");
        Assert.Equal(1, casFails.ExitCode);

        var restart = await c.Script("restart", leader.ToString());
        Assert.True(restart.ExitCode == 0, restart.ToString());
        var latest = await c.CliUntil(leader, 0, TimeSpan.FromSeconds(90), "kv", "get", "a");
        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Equal("3", latest.Stdout.Trim());
        Assert.Equal("v19", (await c.CliUntil(leader, 0, TimeSpan.FromSeconds(30), "kv", "get", "k19")).Stdout.Trim());

        var deleted = await c.Cli(leader, "kv", "delete", "a");
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal(1, (await c.Cli(1, "kv", "get", "a")).ExitCode);
    }

    [Fact]
    public async Task A_whole_cluster_restart_keeps_the_data_and_never_brings_a_leader_back_at_an_old_ballot()
    {
        await using var c = TestClusters.Create(remoteBase: 24220, cmdBase: 29220, extraConfig: "actors.kv.session-ttl = 2s");
        Assert.True((await c.Start(3)).ExitCode == 0);
        for (var i = 0; i < 10; i++)
            Assert.Equal(0, (await c.CliUntil(1 + i % 3, 0, TimeSpan.FromSeconds(30), "kv", "put", $"r{i}", $"v{i}")).ExitCode);
        var before = await StatusWithLeader(c, 1);
        Assert.True(before.Sessions >= 1, "the puts left no session");

        // Every one-shot CLI command is a client of its own: with a TTL of 2 s of log time, all of them are forgotten.
        Assert.True(await LocalClusterProcess.WaitUntil(async () => (await c.Status(1))?.Sessions == 0, TimeSpan.FromSeconds(60)),
            $"sessions left: {(await c.Status(1))?.Sessions}");

        Assert.True((await c.Stop()).ExitCode == 0);
        var again = await c.Start(3);
        Assert.True(again.ExitCode == 0, again.ToString());
        var after = await StatusWithLeader(c, 1);
        output.WriteLine($"before: leader {before.Leader} at {before.Ballot}; after: leader {after.Leader} at {after.Ballot}");
        // Ballots order by round, then node: 1.3 after 1.2 is a newer ballot, 1.1 or 1.2 again would be the old one back.
        Assert.True(after.BallotOrder.CompareTo(before.BallotOrder) > 0, $"ballot {after.Ballot} after the restart, {before.Ballot} before");
        Assert.Equal("v9", (await c.CliUntil(2, 0, TimeSpan.FromSeconds(30), "kv", "get", "r9")).Stdout.Trim());
    }

    private static async Task<PaxosStatusReport> StatusWithLeader(LocalClusterProcess c, int node)
    {
        PaxosStatusReport? status = null;
        await LocalClusterProcess.WaitUntil(async () => (status = await c.Status(node))?.Leader is not null, TimeSpan.FromSeconds(60));
        return status ?? throw new Xunit.Sdk.XunitException($"node {node} knows no leader");
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_the_node_keeps_serving()
    {
        // Receptionists hand clients every receptionist they know (not 3 of them), so the foreign node's check below sees all.
        await using var c = TestClusters.Create(24160, 29160,
            extraConfig: "actors.kv.max-value-bytes = 1000\nactors.log.max-state-bytes = 4KiB\nakka.cluster.client.receptionist.number-of-contacts = 10");
        var start = await c.Script("start", "3");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal(0, (await c.CliUntil(1, 0, TimeSpan.FromSeconds(30), "kv", "put", "x", "before")).ExitCode);

        var empty = await c.Cli(1, "kv", "put", "", "v");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("key must not be empty", empty.Stderr);

        var big = await c.Cli(1, "kv", "put", "big", new string('v', 2000));
        Assert.Equal(2, big.ExitCode);
        Assert.Contains("limit", big.Stderr);

        var palette = await c.Cli(1, "nope", "thing");
        Assert.Equal(2, palette.ExitCode);
        Assert.Contains("unknown palette 'nope'", palette.Stderr);

        var command = await c.Cli(1, "kv", "frobnicate");
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", command.Stderr);

        // Garbage bytes straight onto the command port.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", c.CmdBase + 1);
            var junk = new byte[4096];
            new Random(3).NextBytes(junk);
            junk[^1] = (byte)'\n';
            await tcp.GetStream().WriteAsync(junk);
            var buffer = new byte[1024];
            var n = await tcp.GetStream().ReadAsync(buffer);
            Assert.Contains("error", System.Text.Encoding.UTF8.GetString(buffer, 0, n));
        }

        // A full state refuses writes that grow it with a clear error, and takes them again once a delete made room:
        // four values of 900 bytes fit the 4 KiB, a fifth does not.
        var filled = 0;
        ProcessRun full;
        while ((full = await c.Cli(1 + filled % 3, "kv", "put", "fill-" + filled, new string('f', 900))).ExitCode == 0 && filled < 10) filled++;
        Assert.Equal(4, filled);
        Assert.Equal(2, full.ExitCode);
        Assert.Contains("state full", full.Stderr);
        var status = await c.Cli(3, "paxos", "status");
        Assert.Matches(@"state:\s+\d+ bytes of data of at most 4096", status.Stdout);
        Assert.Equal(0, (await c.Cli(1, "kv", "delete", "fill-0")).ExitCode);
        Assert.Equal(0, (await c.Cli(1, "kv", "put", "fill-" + filled, new string('f', 900))).ExitCode);

        await ForeignNodesAreKeptOut(c);

        var after = await c.Cli(1, "kv", "get", "x");
        Assert.Equal(0, after.ExitCode);
        Assert.Equal("before", after.Stdout.Trim());
        Assert.Equal(0, (await c.Cli(2, "kv", "put", "x", "after")).ExitCode);
        Assert.Equal("after", (await c.Cli(3, "kv", "get", "x")).Stdout.Trim());
    }

    /// <summary>
    /// A 4th node given the cluster's seeds and no member list would lead a log of its own beside the cluster's: it refuses
    /// to start. One that names itself as its only member (past that check) joins the Akka cluster and commits a write in its
    /// own log: the cluster's nodes log it as a node of another log, the write is found on no node of the cluster, no client
    /// of the cluster is routed to it, and the cluster's replicas stay equal.
    /// </summary>
    private async Task ForeignNodesAreKeptOut(LocalClusterProcess c)
    {
        var host = Path.Combine(LocalClusterProcess.Root, "src", "Actors.Host", "bin", "Release", "net10.0", "Actors.Host.dll");
        var seeds = string.Join(",", Enumerable.Range(1, 3).Select(i => $"127.0.0.1:{c.RemoteBase + i}"));
        var self = $"127.0.0.1:{c.RemoteBase + 4}";
        var dir = Path.Combine(c.DataDir, "node-4");
        string[] args = ["--port", (c.RemoteBase + 4).ToString(), "--cmd-port", (c.CmdBase + 4).ToString(), "--seeds", seeds, "--data-dir", dir];

        var refused = await ChildProcess.RunAsync("dotnet", [host, .. args], timeout: TimeSpan.FromSeconds(60));
        output.WriteLine(refused.ToString());
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("actors.paxos.members is empty", refused.Stderr);

        var log = Path.Combine(c.DataDir, "node-4.log");
        var foreign = ChildProcess.StartLogged("dotnet", [host, .. args, "--members", self], log);
        try
        {
            var put = await c.CliUntil(4, 0, TimeSpan.FromSeconds(60), "kv", "put", "foreign", "written-through-node-4");
            output.WriteLine(put.ToString());
            Assert.Equal("written-through-node-4", (await c.CliUntil(4, 0, TimeSpan.FromSeconds(30), "kv", "get", "foreign")).Stdout.Trim());
            // Its log role differs: the cluster's nodes log it as a node of another log and keep it out (its decisions, were it
            // to send any, are refused by fingerprint), and it does not take them for learners of its own log either.
            Assert.True(await LocalClusterProcess.WaitUntil(
                () => Task.FromResult(File.ReadAllText(Path.Combine(c.DataDir, "node-2", "node.log")).Contains(":" + (c.RemoteBase + 4) + " runs another log", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60)), "node 2 never logged node 4 as a node of another log");
            for (var i = 1; i <= 3; i++)
            {
                var get = await c.Cli(i, "kv", "get", "foreign");
                Assert.True(get.ExitCode == 1 && get.Stdout.Trim() == "", $"node {i}: {get}");
            }
            // Node 4 is a member of the Akka cluster, but not of this log. A cluster client keeps the receptionists the first
            // one it reaches names, and moves to one of them when its receptionist goes away: node 4's would serve it from the
            // other log (acknowledging writes this cluster never sees). The receptionists of nodes 1 to 3 name only this log's.
            using (var system = Akka.Actor.ActorSystem.Create("foreign-check", TestClusters.ClientConfig))
            {
                // Node 1 alone to begin with: the contacts the client holds once it grows past one came from a receptionist.
                var initial = ImmutableHashSet.Create(ActorPath.Parse(c.ContactPoints(1)[0] + "/system/receptionist"));
                var clusterClient = system.ActorOf(Akka.Cluster.Tools.Client.ClusterClient.Props(
                    Akka.Cluster.Tools.Client.ClusterClientSettings.Create(system).WithInitialContacts(initial)), "foreign-check");
                var reply = await clusterClient.Ask<Actors.Contracts.Kv.KvReply>(
                    new Akka.Cluster.Tools.Client.ClusterClient.Send("/user/kv", new Actors.Contracts.Kv.Get("foreign")), TimeSpan.FromSeconds(30));
                Assert.Equal(Actors.Contracts.Kv.KvReplyStatus.NotFound, reply.Status);
                Akka.Cluster.Tools.Client.ContactPoints? contacts = null;
                Assert.True(await LocalClusterProcess.WaitUntil(async () =>
                    (contacts = await clusterClient.Ask<Akka.Cluster.Tools.Client.ContactPoints>(Akka.Cluster.Tools.Client.GetContactPoints.Instance,
                        TimeSpan.FromSeconds(10))).ContactPointsList.Count > 1, TimeSpan.FromSeconds(30)), "the client never learned other receptionists");
                output.WriteLine($"contacts: {string.Join(", ", contacts!.ContactPointsList)}");
                Assert.DoesNotContain(contacts.ContactPointsList, p => p.Address.Port == c.RemoteBase + 4);
                Assert.Equal(3, contacts.ContactPointsList.Count);
                // And requests sent through a receptionist of this log go to this log's nodes only.
                await using var client = await Actors.Contracts.Client.ActorsClient.ConnectAsync(system, c.ContactPoints(3),
                    new Actors.Contracts.Client.ActorsClientOptions(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), StraightToLeader: false));
                for (var i = 0; i < 40; i++)
                    Assert.Null(await client.GetAsync("foreign"));
                await system.Terminate();
            }
            Assert.Equal(0, (await c.CliUntil(1, 0, TimeSpan.FromSeconds(30), "kv", "put", "x", "with-node-4-around")).ExitCode);
            for (var i = 1; i <= 3; i++)
                Assert.Equal("with-node-4-around", (await c.CliUntil(i, 0, TimeSpan.FromSeconds(30), "kv", "get", "x")).Stdout.Trim());
            var applied = new List<long>();
            Assert.True(await LocalClusterProcess.WaitUntil(async () =>
            {
                applied.Clear();
                for (var i = 1; i <= 3; i++) applied.Add((await c.Status(i))?.LastApplied ?? -1);
                return applied.Distinct().Count() == 1;
            }, TimeSpan.FromSeconds(30)), $"the cluster's replicas applied different slots: {string.Join(", ", applied)}");
        }
        finally
        {
            await ChildProcess.StopAsync(foreign, TimeSpan.FromSeconds(10));
            if (File.Exists(log)) output.WriteLine(string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(20)));
        }
        Assert.Equal(0, (await c.Cli(1, "kv", "put", "x", "before")).ExitCode);
    }
}
