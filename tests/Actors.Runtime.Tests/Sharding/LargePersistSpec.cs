using System.Collections.Immutable;
using Actors.Contracts.Kv;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;

namespace Actors.Runtime.Tests.Sharding;

/// <summary>
/// Persists of 900 KiB through the log-backed journal of three nodes whose transport frame is 4 MiB: together they are
/// larger than a frame, so only a leader that sizes each append by its bytes puts them in slots the transport carries.
/// </summary>
public sealed class LargePersistSpec() : TestKit("akka.loglevel = WARNING")
{
    private static readonly Config Frame = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp.maximum-frame-size = 4MiB
        actors.paxos.max-batch-bytes = 2MiB
        actors.kv.request-timeout = 60s
        actors.persistence.journal.request-timeout = 60s
        """);

    [Fact]
    public async Task Concurrent_persists_of_900_KiB_larger_together_than_a_frame_are_stored_and_the_log_keeps_moving()
    {
        await using var cluster = new LocalCluster(3, extra: Frame);
        await cluster.AwaitLeader(TimeSpan.FromSeconds(30));
        var payload = new byte[900 * 1024];
        new Random(7).NextBytes(payload);
        var journals = cluster.Systems.Select(s => Akka.Persistence.Persistence.Instance.Apply(s!).JournalFor("actors.persistence.journal")).ToArray();

        var probes = Enumerable.Range(0, 16).Select(i =>
        {
            var probe = CreateTestProbe();
            var e = new Persistent(payload, 1, "big-" + i, "", false, ActorRefs.NoSender, "w1");
            journals[i % 3].Tell(new WriteMessages([new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(e))], probe.Ref, 1));
            return probe;
        }).ToList();
        foreach (var probe in probes)
        {
            await probe.ExpectMsgAsync<WriteMessagesSuccessful>(TimeSpan.FromSeconds(90));
            await probe.ExpectMsgAsync<WriteMessageSuccess>(TimeSpan.FromSeconds(10));
        }
        var put = await cluster.AskKvUntil(1, new Put("after", [1]), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Ok, put.Status);

        var replayed = CreateTestProbe();
        journals[2].Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "big-9", replayed.Ref));
        Assert.Equal(payload, (byte[])(await replayed.ExpectMsgAsync<ReplayedMessage>(TimeSpan.FromSeconds(30))).Persistent.Payload);
    }
}
