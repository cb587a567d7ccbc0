using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Bench;

/// <summary>
/// One closed-loop client as a long-lived actor: it sends one request at a time from its own address and
/// completes the caller's task with the reply. Unlike Ask, no temporary actor (and no new remote sender path
/// for the receiver to resolve) is created per request, which is how an Akka application would talk to a
/// service it uses all the time.
/// </summary>
public sealed class ClientActor : ReceiveActor
{
    /// <summary>Sends <see cref="Message"/> to <see cref="Target"/>; the next <see cref="KvReply"/> completes <see cref="Reply"/>.</summary>
    public sealed record Request(IActorRef Target, object Message, TaskCompletionSource<KvReply> Reply);

    private TaskCompletionSource<KvReply>? _waiting;

    public ClientActor()
    {
        Receive<Request>(r =>
        {
            _waiting = r.Reply;
            r.Target.Tell(r.Message, Self);
        });
        Receive<KvReply>(reply =>
        {
            var waiting = _waiting;
            _waiting = null;
            waiting?.TrySetResult(reply);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ClientActor());

    /// <summary>Sends through <paramref name="client"/> and awaits the reply; null when none came within <paramref name="timeout"/>.</summary>
    public static async Task<KvReply?> SendAsync(IActorRef client, IActorRef target, object message, TimeSpan timeout, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource<KvReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Tell(new Request(target, message, tcs));
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            return await tcs.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
