using System.Text;
using Actors.Contracts.Kv;
using Actors.Runtime.Tests.Support;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class LargeSnapshotSpec
{
    /// <summary>A small frame, so that the state soon outgrows it: a snapshot can reach a lagging node only in pieces.</summary>
    private static readonly Config SmallFrames = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp.maximum-frame-size = 512KiB
        actors.paxos.max-batch-bytes = 192KiB
        actors.paxos.snapshot-chunk-bytes = 128KiB
        actors.kv.max-value-bytes = 160KiB
        """);

    [Fact]
    public async Task A_replica_behind_a_compaction_of_a_state_larger_than_a_frame_catches_up_through_snapshot_pieces()
    {
        await using var c = new LocalCluster(3, extra: SmallFrames);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));
        var lagging = 2;
        await c.StopAsync(lagging);

        // 40 values of 100 KiB (about 4 MiB, eight frames) written past two snapshots (snapshot-every = 20), so the
        // acceptors compact the slots and the stopped node can only catch up from a snapshot.
        var value = new byte[100 * 1024];
        for (var i = 0; i < 40; i++)
        {
            value[0] = (byte)i;
            Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(i % 2, new Put($"big{i}", value, "w", i + 1), TimeSpan.FromSeconds(30))).Status);
        }
        await c.AwaitAssertAsync(async () => Assert.True((await c.ReplicaStatusOf(0)).SnapshotThrough >= 20), TimeSpan.FromSeconds(30));

        c.Start(lagging);
        var target = (await c.ReplicaStatusOf(0)).LastApplied;
        await c.AwaitAssertAsync(async () =>
        {
            var status = await c.ReplicaStatusOf(lagging);
            Assert.True(status.LastApplied >= target, $"the restarted node applied through {status.LastApplied}, the cluster through {target}");
            Assert.Equal(40, status.Keys);
        }, TimeSpan.FromSeconds(90));

        var read = await c.AskKvUntil(lagging, new Get("big39", "r", 1), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Ok, read.Status);
        Assert.Equal(100 * 1024, read.Value!.Length);
        Assert.Equal(39, read.Value[0]);
    }
}
