using Actors.Contracts.Sharding;
using Actors.Core.Ring;
using Akka.Cluster.Sharding;

namespace Actors.Runtime.Sharding;

/// <summary>
/// Routes an entity message to its shard: the entity id comes from <see cref="IEntityMessage"/> (Akka unwraps its own
/// <c>ShardingEnvelope</c> and <c>StartEntity</c> before asking), and the shard is a stable hash of it among
/// <see cref="NumberOfShards"/>, equal on every node (unlike <c>string.GetHashCode</c>). The ring then places the shard
/// (<see cref="RingShardAllocationStrategy"/>).
/// </summary>
public sealed class RingMessageExtractor(int numberOfShards) : IMessageExtractor
{
    public int NumberOfShards { get; } = numberOfShards > 0
        ? numberOfShards
        : throw new ArgumentOutOfRangeException(nameof(numberOfShards), numberOfShards, "the number of shards must be positive");

    public string? EntityId(object message) =>
        message is IEntityMessage m && !string.IsNullOrEmpty(m.EntityId) ? m.EntityId : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message) is { } id ? ShardPlacement.ShardOf(id, NumberOfShards) : null;

    public string ShardId(string entityId, object? messageHint = null) => ShardPlacement.ShardOf(entityId, NumberOfShards);
}
