using Actors.Core.Paxos;

namespace Actors.Runtime.Paxos;

/// <summary>
/// A local-only message (<see cref="ILocalPaxosMessage"/>) on its way from this node's
/// <see cref="PaxosTransport"/> (or a role's own timer) to a role's shell. It carries a key that is a plain
/// object owned by the transport: no serializer can produce that reference, so a delivery that did not start
/// on this node is told apart by <see cref="PaxosTransport.IsFromThisNode"/> whatever came over the wire.
/// </summary>
public sealed class LocalDelivery
{
    internal LocalDelivery(ILocalPaxosMessage message, object key)
    {
        Message = message;
        Key = key;
    }

    /// <summary>The local message.</summary>
    public ILocalPaxosMessage Message { get; }

    internal object Key { get; }

    public override string ToString() => $"LocalDelivery({Message})";
}
