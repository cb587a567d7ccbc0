using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Hosting;

namespace Actors.Runtime.Sharding;

/// <summary>
/// Starts entity types on the ring: a shard region per type whose shards the ring places
/// (<see cref="RingShardAllocationStrategy"/>), reachable from other Akka systems through the ClusterClient receptionist at
/// <c>/system/sharding/{type}</c> (ActorsClient's <c>AskEntityAsync</c>) and from this process through the ActorRegistry.
/// </summary>
public static class ActorsSharding
{
    /// <summary>
    /// Starts (or returns, when it runs already) the shard region of <paramref name="typeName"/> with entities made by
    /// <paramref name="entityProps"/> from their ids. Messages reach an entity when they implement
    /// <see cref="Contracts.Sharding.IEntityMessage"/> or come in a <see cref="ShardingEnvelope"/>. When its shard moves
    /// or it is passivated, an entity gets <paramref name="stopMessage"/> (a <see cref="PoisonPill"/> by default). A
    /// persistent entity should take <see cref="EntityStop"/> instead and stop itself on it, so that it stops only after
    /// the persist in flight (a shard waits for its entities to stop before it moves).
    /// </summary>
    public static async Task<IActorRef> StartRegionAsync(ActorSystem system, string typeName, Func<string, Props> entityProps,
        ShardingSettings? settings = null, object? stopMessage = null)
    {
        if (string.IsNullOrWhiteSpace(typeName)) throw new ArgumentException("an entity type needs a name", nameof(typeName));
        settings ??= ShardingSettings.Create(system.Settings.Config);
        var region = await ClusterSharding.Get(system).StartAsync(typeName, entityProps, ClusterShardingSettings.Create(system),
            new RingMessageExtractor(settings.NumberOfShards), new RingShardAllocationStrategy(settings.RebalanceLimit), stopMessage ?? PoisonPill.Instance);
        ClusterClientReceptionist.Get(system).RegisterService(region);
        return region;
    }

    /// <summary>As <see cref="StartRegionAsync"/>, blocking until the region runs (for starters that cannot await), as Akka's own <c>Start</c> does.</summary>
    public static IActorRef StartRegion(ActorSystem system, string typeName, Func<string, Props> entityProps, ShardingSettings? settings = null,
        object? stopMessage = null) =>
        StartRegionAsync(system, typeName, entityProps, settings, stopMessage).GetAwaiter().GetResult();

    /// <summary>
    /// Akka.Hosting: starts the shard region of <paramref name="typeName"/> on the ring once the actor system runs and
    /// registers it in the ActorRegistry under <typeparamref name="TKey"/> (resolve it with <c>IRequiredActor&lt;TKey&gt;</c>).
    /// Entities stop on <paramref name="stopMessage"/> as with <see cref="StartRegionAsync"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithRingShardRegion<TKey>(this AkkaConfigurationBuilder builder, string typeName,
        Func<string, Props> entityProps, object? stopMessage = null) =>
        builder.WithActors(new ActorStarter(async (system, registry) =>
            registry.Register<TKey>(await StartRegionAsync(system, typeName, entityProps, stopMessage: stopMessage))));
}
