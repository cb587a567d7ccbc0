using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Bench;

/// <summary>Answers every <see cref="Contracts.Kv.Get"/> with the same small <see cref="KvReply"/>: the cheapest possible server.</summary>
public sealed class PongActor : ReceiveActor
{
    private static readonly KvReply Pong = new(KvReplyStatus.Ok);

    public PongActor() => Receive<Get>(_ => Sender.Tell(Pong));

    /// <summary>Props of a pong actor.</summary>
    public static Props Props() => Akka.Actor.Props.Create<PongActor>();
}
