using Akka.Configuration;

namespace Actors.Contracts.Client;

/// <summary>
/// The settings a client system needs to exchange messages with an Actors cluster: the serializer of the
/// public messages, bound by <see cref="IActorsMessage"/>, and a cluster-client failure detector that gives up on
/// a lost contact point after about 4 s (the Akka default waits 13 s). Layer it under the system's own
/// configuration.
/// </summary>
public static class ActorsClientConfig
{
    public static Config Default { get; } = ConfigurationFactory.ParseString("""
        akka.actor.serializers.actors-contracts = "Actors.Contracts.Serialization.ContractsSerializer, Actors.Contracts"
        akka.actor.serialization-bindings { "Actors.Contracts.IActorsMessage, Actors.Contracts" = actors-contracts }
        akka.remote.dot-netty.tcp.maximum-frame-size = 32MiB
        akka.remote.dot-netty.tcp.batching.enabled = false
        akka.cluster.client.heartbeat-interval = 1s
        akka.cluster.client.acceptable-heartbeat-pause = 3s
        """);
}
