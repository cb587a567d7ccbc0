using Actors.Contracts.Kv;
using Actors.Runtime.Tests.Support;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

/// <summary>
/// A snapshot store that refuses a record larger than <c>record-limit-bytes</c>, as a database refuses a value past
/// its limit (SQLite's SQLITE_MAX_LENGTH is 1e9 bytes, PostgreSQL's bytea 1 GiB).
/// </summary>
public sealed class RecordLimitSnapshotStore : SqlSnapshotStore
{
    private readonly long _limit;
    private readonly Akka.Serialization.Serialization _serialization;

    public RecordLimitSnapshotStore(Config config) : base(config)
    {
        _limit = config.GetByteSize("record-limit-bytes") ?? long.MaxValue;
        _serialization = Context.System.Serialization;
    }

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var bytes = _serialization.FindSerializerFor(snapshot).ToBinary(snapshot).Length;
        return bytes > _limit
            ? Task.FromException(new InvalidOperationException($"a record of {bytes} bytes is over the store's limit of {_limit}"))
            : base.SaveAsync(metadata, snapshot, cancellationToken);
    }
}

public sealed class SavedStateSpec
{
    private static readonly Config Limited = ConfigurationFactory.ParseString($"""
        akka.persistence.snapshot-store.sql.class = "{typeof(RecordLimitSnapshotStore).AssemblyQualifiedName}"
        akka.persistence.snapshot-store.sql.record-limit-bytes = 64KiB
        actors.paxos.snapshot-chunk-bytes = 16KiB
        """);

    [Fact]
    public async Task A_state_larger_than_a_record_the_store_takes_is_saved_in_pieces_and_survives_a_full_restart()
    {
        await using var c = new LocalCluster(3, extra: Limited);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));

        // 40 values of 8 KiB: the state passes the store's 64 KiB limit after eight, and snapshots come every 20 slots.
        for (var i = 0; i < 40; i++)
        {
            var value = new byte[8 * 1024];
            value[0] = (byte)i;
            Assert.Equal(KvReplyStatus.Ok, (await c.AskKvUntil(i % 3, new Put($"big{i}", value, "w", i + 1), TimeSpan.FromSeconds(30))).Status);
        }
        for (var n = 0; n < 3; n++)
        {
            var node = n;
            await c.AwaitAssertAsync(async () => Assert.True((await c.ReplicaStatusOf(node)).SnapshotThrough >= 20,
                $"node {node} saved no state past slot 20"), TimeSpan.FromSeconds(30));
        }

        // Every node stops: the acceptors dropped the slots the saves cover, so the first keys live only in the saved state.
        for (var n = 0; n < 3; n++) await c.StopAsync(n);
        for (var n = 0; n < 3; n++) c.Start(n);
        await c.AwaitLeader(TimeSpan.FromSeconds(30));

        var first = await c.AskKvUntil(0, new Get("big0", "r", 1), TimeSpan.FromSeconds(30));
        Assert.Equal(KvReplyStatus.Ok, first.Status);
        Assert.Equal(8 * 1024, first.Value!.Length);
        Assert.Equal(0, first.Value[0]);
        for (var n = 0; n < 3; n++)
        {
            var node = n;
            await c.AwaitAssertAsync(async () => Assert.Equal(40, (await c.ReplicaStatusOf(node)).Keys), TimeSpan.FromSeconds(30));
        }
    }
}
