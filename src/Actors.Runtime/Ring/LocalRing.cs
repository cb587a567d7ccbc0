using Actors.Core.Ring;
using Akka.Actor;

namespace Actors.Runtime.Ring;

/// <summary>
/// The ring as this node's replica has applied it, for code outside actors (the shard allocation strategy). Set by
/// <c>/user/ring</c> on every change; null until the replica has recovered.
/// </summary>
public sealed class LocalRing : IExtension
{
    private volatile RingState? _current;

    /// <summary>The latest ring this node knows, or null.</summary>
    public RingState? Current => _current;

    /// <summary>Takes <paramref name="ring"/> unless a newer version is held.</summary>
    public void Offer(RingState ring)
    {
        if (_current is { } held && ring.Version < held.Version) return;
        _current = ring;
    }

    public static LocalRing For(ActorSystem system) => system.WithExtension<LocalRing, LocalRingProvider>();

    private sealed class LocalRingProvider : ExtensionIdProvider<LocalRing>
    {
        public override LocalRing CreateExtension(ExtendedActorSystem system) => new();
    }
}
