using Akka.Actor;

namespace Actors.Runtime.Entry;

/// <summary>
/// <c>/user/kv</c>: forwards every message to the node's entry point (<c>/user/log</c>, <see cref="LogEntryActor"/>),
/// the sender kept, so that clients that address the path of earlier versions are served as before.
/// </summary>
public sealed class EntryAlias : ReceiveActor
{
    public EntryAlias(IActorRef entry) => ReceiveAny(m => entry.Forward(m));

    public static Props Props(IActorRef entry) => Akka.Actor.Props.Create(() => new EntryAlias(entry));
}
