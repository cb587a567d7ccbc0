using System.Text;
using Actors.Contracts.Kv;
using Actors.Core.Paxos;
using Actors.Runtime.Logging;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

/// <summary>Messages from another ActorSystem that a node must not let reach its Paxos roles.</summary>
public sealed class MessageGuardSpec
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A system outside the cluster with the node's serializers, and optionally more bindings.</summary>
    private static ActorSystem Rogue(string extraBindings = "") => ActorSystem.Create("rogue", ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        akka.actor.serialization-bindings { {{extraBindings}} }
        """).WithFallback(Runtime.ActorsConfig.Reference));

    private static Task AwaitLog(LocalCluster c, int node, string text) => c.AwaitAssertAsync(() =>
    {
        Assert.Contains(LogRing.For(c.Systems[node]!).Last(LogRing.Capacity), l => l.Contains(text, StringComparison.Ordinal));
        return Task.CompletedTask;
    }, TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Messages_from_an_unknown_node_id_are_dropped_and_logged_and_the_node_serves_on()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var fingerprint = c.Nodes[0]!.PaxosSettings.Fingerprint;

        using var rogue = Rogue();
        for (var i = 0; i < 3; i++)
        {
            // Admitted, these would make every acceptor promise a ballot above the leader's and every proposer follow node 42.
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/acceptor").Tell(new Prepare(new Ballot(1000, 42), 0, 42, fingerprint));
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/proposer").Tell(new Heartbeat(new Ballot(1000, 42), 42, 0, fingerprint));
        }
        rogue.ActorSelection($"{c.AddressOf(0)}/user/paxos/replica").Tell(new CatchUpRequest(42, 0));
        await AwaitLog(c, 0, "dropped Prepare from node 42, which is neither an acceptor (1 to 3) nor a known learner");
        await AwaitLog(c, 0, "dropped Heartbeat from node 42");
        await AwaitLog(c, 0, "dropped CatchUpRequest from node 42");

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(0, new Put("after", B("rogue"), "g", 1), TimeSpan.FromSeconds(20))).Status);
        Assert.Equal("rogue", Encoding.UTF8.GetString((await c.AskKv(1, new Get("after", "g", 2))).Value!));
        // Nobody follows node 42 or went up to its ballot. (A busy machine may still hold an ordinary election meanwhile,
        // which moves the round by one or two, never to 1000.)
        for (var i = 0; i < 3; i++)
        {
            var status = await c.ProposerStatusOf(i);
            Assert.NotEqual(42, status.Leader);
            Assert.True(status.Ballot.Round < 1000 && status.Ballot.Node != 42, $"node {i + 1} is at ballot {status.Ballot}");
        }
    }

    [Fact]
    public async Task A_prepare_from_a_node_with_another_acceptor_list_is_refused_and_logged()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var other = Runtime.Paxos.PaxosSettings.FingerprintOf(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"]);

        using var rogue = Rogue();
        for (var i = 0; i < 3; i++)
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/acceptor").Tell(new Prepare(new Ballot(1000, 2), 0, 2, other));
        await AwaitLog(c, 0, "node 2's acceptor list differs from this node's: its Prepare is refused");

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(1, new Put("list", B("same"), "f", 1), TimeSpan.FromSeconds(20))).Status);
        // Admitted, the prepare would have made every acceptor promise round 1000: no proposer ever saw it.
        for (var i = 0; i < 3; i++)
        {
            var status = await c.ProposerStatusOf(i);
            Assert.True(status.Ballot.Round < 1000, $"node {i + 1} is at ballot {status.Ballot}");
        }
    }

    [Fact]
    public async Task Decisions_and_catch_up_answers_of_another_log_are_refused_and_no_replica_learns_them()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(0, new Put("k", B("cluster"), "d", 1), TimeSpan.FromSeconds(20))).Status);

        // A node with a log of its own (a one-member list, as a node started without the cluster's members is) leads it as
        // node 1 and sends its decisions to the nodes it takes for learners: slots the cluster has not filled yet.
        var own = Runtime.Paxos.PaxosSettings.FingerprintOf(["127.0.0.1:1"]);
        var forged = new SlotValue([Actors.Core.Log.LogCommand.Of("rogue", 1, new Actors.Core.Kv.KvPut("k", B("forged")))]);
        using var rogue = Rogue();
        for (var i = 0; i < 3; i++)
        {
            var next = (await c.ReplicaStatusOf(i)).LastApplied + 1;
            var replica = rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/replica");
            for (var slot = next; slot < next + 50; slot++) replica.Tell(new Decision(slot, forged, 1, new Ballot(1, 1), own));
            replica.Tell(new CatchUpResponse(null, [new DecidedSlot(next, forged)], 2, own)); // refusals are logged once a minute per sender
            // Without a fingerprint (a sender of a version before decisions named one): no sender either.
            replica.Tell(new Decision(next, forged));
        }
        await AwaitLog(c, 0, "node 1's acceptor list differs from this node's: its Decision is refused");
        await AwaitLog(c, 0, "node 2's acceptor list differs from this node's: its CatchUpResponse is refused");
        await AwaitLog(c, 0, "dropped Decision from node 0");

        // The cluster's next writes fill those slots with its own values, and every replica reads them.
        for (var i = 0; i < 5; i++)
            Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(i % 3, new Put("n" + i, B("v" + i), "d", 2 + i), TimeSpan.FromSeconds(20))).Status);
        for (var i = 0; i < 3; i++)
            Assert.Equal("cluster", Encoding.UTF8.GetString((await c.AskKvUntil(i, new Get("k", "r" + i, 1), TimeSpan.FromSeconds(20))).Value!));
    }

    [Fact]
    public async Task Local_only_messages_sent_from_another_actor_system_are_refused_and_logged()
    {
        await using var c = new LocalCluster(3);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));

        // The node's serializer has no wire form for local-only messages, so the rogue ships them as JSON.
        using var rogue = Rogue("""
            "Actors.Core.Paxos.Compact, Actors.Core" = json
            "Actors.Core.Paxos.AppliedThrough, Actors.Core" = json
            "Actors.Core.Paxos.CommitInfo, Actors.Core" = json
            """);
        for (var i = 0; i < 3; i++)
        {
            // Admitted, Compact would make every acceptor ignore accepts for the slots writes need next.
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/acceptor").Tell(new Compact(1_000_000));
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/proposer").Tell(new AppliedThrough(1_000_000));
            rogue.ActorSelection($"{c.AddressOf(i)}/user/paxos/replica").Tell(new CommitInfo(1, 1_000_000));
        }
        await AwaitLog(c, 0, "paxos acceptor: refused Compact");
        await AwaitLog(c, 0, "paxos proposer: refused AppliedThrough");
        await AwaitLog(c, 0, "paxos replica: refused CommitInfo");

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(2, new Put("local", B("only"), "l", 1), TimeSpan.FromSeconds(20))).Status);
        Assert.Equal("only", Encoding.UTF8.GetString((await c.AskKv(0, new Get("local", "l", 2))).Value!));
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await c.ProposerStatusOf(i)).FirstUnchosen < 1_000_000);
            Assert.True((await c.ReplicaStatusOf(i)).KnownCommit < 1_000_000);
        }
    }
}
