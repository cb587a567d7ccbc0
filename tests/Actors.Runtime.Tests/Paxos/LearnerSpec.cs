using System.Text;
using Actors.Contracts.Kv;
using Actors.Core.Paxos;
using Actors.Runtime.Logging;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class LearnerSpec
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_learner_serves_writes_and_reads_follows_the_leader_and_never_campaigns()
    {
        // Nodes 0-2 are the acceptors (ids 1-3); node 3 is learner 4.
        await using var c = new LocalCluster(4, acceptors: 3);
        var leader = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        Assert.InRange(leader, 0, 2);

        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(3, new Put("l", B("from-learner"), "ls", 1), TimeSpan.FromSeconds(20))).Status);
        var onAcceptor = await c.AskKvUntil(0, new Get("l", "ls", 2), TimeSpan.FromSeconds(20));
        Assert.Equal("from-learner", Encoding.UTF8.GetString(onAcceptor.Value!));
        Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(1, new Put("a", B("from-acceptor"), "ls", 3), TimeSpan.FromSeconds(20))).Status);
        var onLearner = await c.AskKvUntil(3, new Get("a", "ls", 4), TimeSpan.FromSeconds(20));
        Assert.Equal("from-acceptor", Encoding.UTF8.GetString(onLearner.Value!));

        // Every node, the learner included, agrees on one leader (on a busy machine not always the first one).
        leader = await c.AwaitLeader(TimeSpan.FromSeconds(30));
        Assert.InRange(leader, 0, 2);
        var learner = await c.ProposerStatusOf(3);
        Assert.Equal(4, learner.Self);
        Assert.Equal(ProposerRole.Learner, learner.Role);
        Assert.True(c.Nodes[leader]!.Transport.Learners.ContainsKey(4), "the leader's directory does not list learner 4");
        // A learner runs no acceptor.
        await Assert.ThrowsAsync<Akka.Actor.ActorNotFoundException>(() => c.Systems[3]!.ActorSelection("/user/paxos/acceptor").ResolveOne(TimeSpan.FromSeconds(3)));

        // The learner's replica applies what the acceptors' replicas applied.
        var target = (await c.ReplicaStatusOf(leader)).LastApplied;
        await c.AwaitAssertAsync(async () => Assert.True((await c.ReplicaStatusOf(3)).LastApplied >= target), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Two_members_claiming_one_learner_id_are_logged_as_an_error_and_the_oldest_is_used()
    {
        // Nodes 3 and 4 both claim id 4.
        // Only the learner the directory picked hears the leader, so no AwaitLeader over all five.
        await using var c = new LocalCluster(5, acceptors: 3, nodeId: i => i >= 3 ? 4 : null);
        var claimants = new[] { Address.Parse(c.AddressOf(3)), Address.Parse(c.AddressOf(4)) };

        await c.AwaitAssertAsync(() =>
        {
            var members = Cluster.Get(c.Systems[0]!).State.Members.Where(m => claimants.Contains(m.Address)).ToList();
            Assert.Equal(2, members.Count);
            Assert.All(members, m => Assert.Equal(MemberStatus.Up, m.Status));
            var oldest = members[0].IsOlderThan(members[1]) ? members[0] : members[1];
            Assert.Equal(oldest.Address, c.Nodes[0]!.Transport.Learners[4]);
            Assert.Contains(LogRing.For(c.Systems[0]!).Last(LogRing.Capacity),
                l => l.Contains("node id 4 is claimed by", StringComparison.Ordinal) && l.Contains($"using the oldest, {oldest.Address}", StringComparison.Ordinal));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(60));
    }
}
