using System.Text;
using Actors.Contracts.Kv;
using Actors.Testing.Linearizability;
using Akka.Actor;

namespace Actors.Chaos;

/// <summary>
/// Two raw senders configured with one client id, as two processes given the same id would be: each counts its own seq
/// from 1, so their (client id, seq) pairs collide all the time. Each sends puts and gets on the checked keys, every request
/// once, to a node drawn at random, and records what it was told. The log must apply at most one command per pair and tell
/// the other sender "rejected"; a sender told "ok" for a write that was never applied, or given the other's read, breaks the
/// history's linearizability.
/// </summary>
public sealed class SharedIdWorkload(ActorSystem system, IReadOnlyList<string> contactPoints, int keys, int seed, History history, int firstHistoryId)
{
    /// <summary>Senders that share the id.</summary>
    public const int Senders = 2;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    private int _rejected;

    /// <summary>Requests refused because the other sender had used their (client id, seq) for another command, or a later one.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Runs both senders until <paramref name="stop"/> fires.</summary>
    public Task Run(CancellationToken stop)
    {
        var clientId = $"shared-{seed}";
        return Task.WhenAll(Enumerable.Range(0, Senders).Select(i => Task.Run(() => Sender(clientId, firstHistoryId + i, stop), CancellationToken.None)));
    }

    private async Task Sender(string clientId, int historyId, CancellationToken stop)
    {
        var random = new Random(unchecked(seed * 104729 + historyId));
        long seq = 0;
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var key = "k" + random.Next(keys);
            var node = random.Next(contactPoints.Count);
            var entry = system.ActorSelection(contactPoints[node] + "/user/kv");
            var put = random.Next(2) == 0;
            var value = $"s{historyId}-{++n}";
            // Sent once to one node, so the node's log time is the issue time (reads need none).
            KvRequest request = put
                ? new Put(key, Encoding.UTF8.GetBytes(value), clientId, ++seq) { Issued = KvRequest.IssuedOnArrival }
                : new Get(key, clientId, ++seq);
            var invoke = Clock.Now;
            KvReply? reply;
            try
            {
                reply = await entry.Ask<KvReply>(request, Timeout);
            }
            catch (AskTimeoutException)
            {
                reply = null;
            }
            var outcome = reply?.Status switch
            {
                KvReplyStatus.Ok or KvReplyStatus.NotFound => KvOutcome.Ok,
                // Refused: never applied, as its only copy was refused (another command holds the pair, or a newer seq was applied).
                KvReplyStatus.Rejected or KvReplyStatus.SessionExpired => KvOutcome.Failed,
                _ => KvOutcome.Indeterminate,
            };
            if (reply?.Status == KvReplyStatus.Rejected) Interlocked.Increment(ref _rejected);
            var output = put || reply?.Status != KvReplyStatus.Ok ? null : Encoding.UTF8.GetString(reply.Value ?? []);
            history.Add(new KvOperation(historyId, put ? KvOpKind.Put : KvOpKind.Get, key, put ? value : null, null, invoke, Clock.Now,
                outcome, output, false));
            // A sender whose node is down does not spin: a failed attempt waits a little before the next.
            if (reply is null || outcome == KvOutcome.Indeterminate) await Task.Delay(100, CancellationToken.None);
        }
    }
}
