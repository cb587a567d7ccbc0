using Akka.Configuration;

namespace Actors.Runtime.Sharding;

/// <summary>Settings of entity types placed on the ring (<c>actors.sharding</c>, <c>actors.ring.rebalance-limit</c>, <c>actors.counter</c>).</summary>
public sealed class ShardingSettings
{
    private ShardingSettings(int numberOfShards, int rebalanceLimit, bool counter, int rememberedRequests, int snapshotEvery, TimeSpan rememberedFor)
    {
        RememberedFor = rememberedFor;
        NumberOfShards = numberOfShards;
        RebalanceLimit = rebalanceLimit;
        Counter = counter;
        RememberedRequests = rememberedRequests;
        SnapshotEvery = snapshotEvery;
    }

    /// <summary>Shards of every entity type; equal on every node.</summary>
    public int NumberOfShards { get; }

    /// <summary>Shards moved to their ring owners in one rebalance round at most.</summary>
    public int RebalanceLimit { get; }

    /// <summary>True when the built-in counter entity type runs on this node.</summary>
    public bool Counter { get; }

    /// <summary>Add request ids a counter remembers.</summary>
    public int RememberedRequests { get; }

    /// <summary>How long after the newest add a counter still remembers an add's request id.</summary>
    public TimeSpan RememberedFor { get; }

    /// <summary>Adds between two snapshots of a counter.</summary>
    public int SnapshotEvery { get; }

    /// <summary>Reads and validates the settings; <paramref name="config"/> is the whole system configuration.</summary>
    public static ShardingSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        return new ShardingSettings(
            ActorsConfig.Int(c, "actors.sharding.number-of-shards", 1, 100_000),
            ActorsConfig.Int(c, "actors.ring.rebalance-limit", 1, 100_000),
            c.GetBoolean("actors.sharding.counter", true),
            ActorsConfig.Int(c, "actors.counter.remembered-requests", 1, 10_000_000),
            ActorsConfig.Int(c, "actors.counter.snapshot-every", 1, 10_000_000),
            ActorsConfig.Duration(c, "actors.counter.remembered-for"));
    }
}
