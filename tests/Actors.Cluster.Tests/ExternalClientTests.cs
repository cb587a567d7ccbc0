using System.Text;
using Actors.Cluster.Tests.Support;
using Actors.Contracts.Client;
using Actors.Contracts.Kv;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using System.Collections.Immutable;
using Xunit;
using Xunit.Abstractions;

namespace Actors.Cluster.Tests;

public sealed class ExternalClientTests(ITestOutputHelper output)
{
    private static byte[] B(long n) => Encoding.UTF8.GetBytes(n.ToString());

    [Fact]
    public async Task An_external_system_fails_over_between_contact_points_without_losing_or_repeating_writes()
    {
        await using var c = TestClusters.Create(24190, 29190);
        var start = await c.Script("start", "3");
        Assert.True(start.ExitCode == 0, start.ToString());

        using var system = ActorSystem.Create("external", TestClusters.ClientConfig);
        var contacts = Enumerable.Range(1, 3).Select(i => $"akka.tcp://actors@127.0.0.1:{c.RemoteBase + i}").ToList();
        await using var client = await ActorsClient.ConnectAsync(system, contacts,
            new ActorsClientOptions(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(2)));

        var status = await client.GetStatusAsync();
        Assert.Equal(3, status.Members.Count);
        Assert.NotNull(status.Leader);

        await client.PutAsync("greeting", Encoding.UTF8.GetBytes("hello"));
        Assert.Equal("hello", Encoding.UTF8.GetString((await client.GetAsync("greeting"))!));
        Assert.Null(await client.GetAsync("never-written"));
        await Assert.ThrowsAsync<ActorsRejectedException>(() => client.PutAsync("", [1]));

        // A chain of compare-and-set increments: each must swap exactly once. A lost acknowledged write would
        // break the chain, and a retry applied twice would make its own repetition fail.
        long counter = 0;
        Assert.True(await client.CompareAndSetAsync("counter", null, B(0)));
        async Task Increments(int n)
        {
            for (var i = 0; i < n; i++)
            {
                Assert.True(await client.CompareAndSetAsync("counter", B(counter), B(counter + 1)), $"increment from {counter} did not swap");
                counter++;
                await client.PutAsync($"item-{counter}", B(counter));
            }
        }

        await Increments(10);
        // Replies name the leader: by now the client sends straight to its /user/log.
        await AwaitDirectRoute(client);
        // Kill every node in turn (the one the client is connected to among them), restarting each before the next.
        for (var node = 1; node <= 3; node++)
        {
            // One fault at a time: the restarted node's old incarnation must be gone and its new one Up everywhere first.
            // (Killed while the old incarnation still counted as an unreachable acceptor and the new one was not Up yet, the
            // split-brain resolver saw one acceptor against two and downed the healthy majority.)
            await AwaitConverged(c, 3);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} kill {node} at counter {counter} (data {c.DataDir})");
            var killed = await c.Script("kill", node.ToString());
            Assert.True(killed.ExitCode == 0, killed.ToString());
            await Increments(5);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} restart {node} at counter {counter}");
            var restarted = await c.Script("restart", node.ToString());
            Assert.True(restarted.ExitCode == 0, restarted.ToString());
            await Increments(5);
        }

        Assert.Equal(counter.ToString(), Encoding.UTF8.GetString((await client.GetAsync("counter"))!));
        for (var i = 1; i <= counter; i++)
            Assert.Equal(i.ToString(), Encoding.UTF8.GetString((await client.GetAsync($"item-{i}"))!));
        output.WriteLine($"{counter} increments survived three kills");
        // After the leader was killed the client went back through the contact points and now follows the new leader.
        await AwaitDirectRoute(client);
    }

    /// <summary>Waits until every node sees every member Up and reachable.</summary>
    private async Task AwaitConverged(Actors.Testing.Processes.LocalClusterProcess c, int nodes)
    {
        var seen = "";
        var converged = await Actors.Testing.Processes.LocalClusterProcess.WaitUntil(async () =>
        {
            var views = new List<string>();
            var all = true;
            for (var i = 1; i <= nodes; i++)
            {
                var s = await c.Status(i);
                views.Add($"{i}: " + (s is null ? "no answer" : string.Join(",", s.Members.Select(m => $"{m.Id}/{m.Status}/{(m.Reachable ? "r" : "u")}"))));
                all &= s is not null && s.Members.Length == nodes && s.Members.All(m => m.Status == "up" && m.Reachable);
            }
            seen = string.Join("; ", views);
            return all;
        }, TimeSpan.FromSeconds(60));
        Assert.True(converged, $"the cluster did not converge within 60 s: {seen}");
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} converged: {seen}");
    }

    /// <summary>Writes until the client's direct route is the leader the cluster reports (replies pace the loop).</summary>
    private static async Task AwaitDirectRoute(ActorsClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string? leader = null;
        while (DateTime.UtcNow < deadline)
        {
            leader = (await client.GetStatusAsync()).LeaderAddress;
            await client.PutAsync("route-probe", [1]);
            if (leader is not null && client.Leader == leader) return;
        }
        Assert.Fail($"the client sends to {client.Leader ?? "the contact points"} while the leader is {leader ?? "unknown"}");
    }

    [Fact]
    public async Task Raw_cluster_client_messages_get_the_reply_records_and_a_copy_held_past_its_session_is_refused()
    {
        // Sessions of two seconds of log time, so that one expires within the test.
        await using var c = TestClusters.Create(24200, 29200, extraConfig: "actors.kv.session-ttl = 2s");
        var start = await c.Script("start", "3");
        Assert.True(start.ExitCode == 0, start.ToString());

        using var system = ActorSystem.Create("raw", TestClusters.ClientConfig);
        var contacts = Enumerable.Range(1, 3)
            .Select(i => ActorPath.Parse($"akka.tcp://actors@127.0.0.1:{c.RemoteBase + i}/system/receptionist"))
            .ToHashSet();
        var clusterClient = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(contacts.ToImmutableHashSet())));

        // Raw messages go to /user/kv, the path of earlier versions (an alias of /user/log), and to /user/log itself.
        // A write with a client id carries the log time its client knew when it first sent it: learn one from any reply.
        KvReply? reply = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((reply?.LogTime ?? 0) == 0 && DateTime.UtcNow < deadline)
        {
            try
            {
                reply = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv", new Get("raw")), TimeSpan.FromSeconds(5));
            }
            catch (AskTimeoutException)
            {
            }
        }
        var known = reply!.LogTime;
        Assert.True(known > 0, "no reply named the node's log time");
        var unissued = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv", new Put("raw", Encoding.UTF8.GetBytes("v"), "raw-client", 1)), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Rejected, unissued.Status);
        Assert.Contains("must carry Issued", unissued.Error);
        do reply = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv", new Put("raw", Encoding.UTF8.GetBytes("v"), "raw-client", 1) { Issued = known }), TimeSpan.FromSeconds(30));
        while (reply.Status is KvReplyStatus.Timeout or KvReplyStatus.Unavailable && DateTime.UtcNow < deadline);
        Assert.Equal(KvReplyStatus.Ok, reply.Status);
        var get = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/log", new Get("raw", "raw-client", 2)), TimeSpan.FromSeconds(30));
        Assert.Equal("v", Encoding.UTF8.GetString(get.Value!));
        var bad = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv", new Put("", [1], "raw-client", 3) { Issued = known }), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Rejected, bad.Status);

        // A copy of raw-client's seq 1, issued when seq 1 first was, arrives after the client's session expired (no command
        // of it for more than the TTL): refused, and the key keeps its value.
        var issued = known;
        async Task<long> LogTimeNow() =>
            (await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv", new Get("raw")), TimeSpan.FromSeconds(30))).LogTime;
        async Task UntilLogTimePasses(long t)
        {
            // Log time moves with the leader's idle stamps, once a second; each read waits for its answer, which paces the loop.
            while (await LogTimeNow() <= t) { }
        }
        await UntilLogTimePasses(issued + 2_000 + 1_000);
        var late = await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/kv",
            new Put("raw", Encoding.UTF8.GetBytes("resurrected"), "raw-client", 1) { Issued = issued }), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.SessionExpired, late.Status);
        Assert.Contains("session expired", late.Error);
        Assert.Equal("v", Encoding.UTF8.GetString((await clusterClient.Ask<KvReply>(new ClusterClient.Send("/user/log", new Get("raw")), TimeSpan.FromSeconds(30))).Value!));

        // ActorsClient issues each request at the log time it last heard of. Idle for longer than the TTL, its next write is
        // refused once as expired (it was sent once, so never applied): it issues it again and it is applied.
        await using var client = await ActorsClient.ConnectAsync(system, c.ContactPoints(3));
        await client.PutAsync("idle", Encoding.UTF8.GetBytes("1"));
        var afterPut = await LogTimeNow();
        await UntilLogTimePasses(afterPut + 2_000 + 1_000);
        await client.PutAsync("idle", Encoding.UTF8.GetBytes("2"));
        Assert.Equal("2", Encoding.UTF8.GetString((await client.GetAsync("idle"))!));
    }
}
