namespace Actors.Contracts.Sharding;

/// <summary>
/// A message for one entity of a sharded entity type: the ring's message extractor routes it by <see cref="EntityId"/> (its
/// shard is a stable hash of the id). Akka's <c>ShardingEnvelope</c> is routed the same way, for messages of types that do
/// not implement this interface.
/// </summary>
public interface IEntityMessage
{
    /// <summary>The id of the entity the message is for; not empty.</summary>
    string EntityId { get; }
}
