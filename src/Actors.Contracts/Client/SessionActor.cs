using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Contracts.Client;

/// <summary>
/// One session of an <see cref="ActorsClient"/> as a long-lived actor: it sends each attempt of the session's current
/// request from its own address, and completes the attempt with the answer to that request's seq; a late answer to an
/// earlier request of the session is dropped. No temporary actor is made per request (as Ask would), so the nodes
/// reply to one stable address.
/// </summary>
internal sealed class SessionActor : ReceiveActor
{
    /// <summary>Sends <see cref="Message"/> to <see cref="Target"/>; the answer to <see cref="Seq"/> completes <see cref="Reply"/>.</summary>
    public sealed record Attempt(ICanTell Target, object Message, long Seq, TaskCompletionSource<KvReply> Reply);

    private TaskCompletionSource<KvReply>? _waiting;
    private long _seq;

    public SessionActor()
    {
        Receive<Attempt>(a =>
        {
            _waiting = a.Reply;
            _seq = a.Seq;
            a.Target.Tell(a.Message, Self);
        });
        Receive<KvReply>(reply =>
        {
            // Seq 0: a node of a version that did not name the seq; the session has one request at a time.
            if (_waiting is null || (reply.Seq != 0 && reply.Seq != _seq)) return;
            var waiting = _waiting;
            _waiting = null;
            waiting.TrySetResult(reply);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new SessionActor());

    /// <summary>Sends one attempt through <paramref name="session"/>; null when no answer came within <paramref name="timeout"/>.</summary>
    public static async Task<KvReply?> SendAsync(IActorRef session, ICanTell target, object message, long seq, TimeSpan timeout, CancellationToken ct)
    {
        var reply = new TaskCompletionSource<KvReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Tell(new Attempt(target, message, seq, reply));
        try
        {
            return await reply.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
