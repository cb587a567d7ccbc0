namespace Actors.Runtime.Sharding;

/// <summary>
/// What a shard sends its entities when it hands off (the shard moves to another node) in place of a
/// <see cref="Akka.Actor.PoisonPill"/>: an entity stops itself on it (<c>Context.Stop(Self)</c>). A persistent entity
/// handles it as a command, so it is taken only after the persist in flight completed and was answered; a PoisonPill is
/// handled by the actor itself at once and can stop an entity between its write and its reply. Node-local: a shard
/// sends it to its own entities, never over the network.
/// </summary>
public sealed class EntityStop
{
    public static readonly EntityStop Instance = new();

    private EntityStop()
    {
    }
}
