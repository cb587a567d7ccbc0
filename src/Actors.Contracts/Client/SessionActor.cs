using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Contracts.Client;

/// <summary>
/// The address replies to one session of an <see cref="ActorsClient"/> come back to: a long-lived actor, so the nodes
/// reply to one stable address and no temporary actor is made per request (as Ask would). Requests are sent from the
/// caller's thread with this actor as their sender; it completes the session's current request with the answer to that
/// request's seq and drops a late answer to an earlier request.
/// </summary>
internal sealed class SessionActor : ReceiveActor
{
    /// <summary>The session's one request waiting for an answer; shared by the caller (who sets it) and the actor.</summary>
    public sealed class Waiting
    {
        private readonly object _sync = new();
        private TaskCompletionSource<KvReply>? _reply;
        private long _seq;

        /// <summary>From now on the answer to <paramref name="seq"/> completes the returned task.</summary>
        public Task<KvReply> Expect(long seq)
        {
            var reply = new TaskCompletionSource<KvReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_sync)
            {
                _seq = seq;
                _reply = reply;
            }
            return reply.Task;
        }

        /// <summary>An answer arrived: it completes the waiting request when it answers that request's seq.</summary>
        public void Complete(KvReply reply)
        {
            TaskCompletionSource<KvReply>? waiting;
            lock (_sync)
            {
                // Seq 0: a node of a version that did not name the seq; the session has one request at a time.
                if (_reply is null || (reply.Seq != 0 && reply.Seq != _seq)) return;
                waiting = _reply;
                _reply = null;
            }
            waiting.TrySetResult(reply);
        }
    }

    public SessionActor(Waiting waiting) => Receive<KvReply>(waiting.Complete);

    public static Props Props(Waiting waiting) => Akka.Actor.Props.Create(() => new SessionActor(waiting));

    /// <summary>
    /// Sends one attempt to <paramref name="target"/> with <paramref name="session"/> as its sender; null when no answer
    /// came within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<KvReply?> SendAsync(IActorRef session, Waiting waiting, ICanTell target, object message, long seq, TimeSpan timeout,
        CancellationToken ct)
    {
        var reply = waiting.Expect(seq);
        target.Tell(message, session);
        try
        {
            return await reply.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
