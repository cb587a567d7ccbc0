using System.Text;
using Actors.Contracts.Kv;
using Actors.Testing.Linearizability;
using Akka.Actor;

namespace Actors.Chaos;

/// <summary>
/// Two raw senders configured with one client id, as two processes given the same id would be: both count seq from 1 in
/// step, so every one of their (client id, seq) pairs is used twice. Each sends puts and gets on the checked keys, every
/// request once, to a node drawn at random, and records what it was told. The log must apply at most one command per pair and tell
/// the other sender its pair was used for another command; a sender told "ok" for a write that was never applied, or given
/// the other's read, breaks the history's linearizability.
/// </summary>
public sealed class SharedIdWorkload(ActorSystem system, IReadOnlyList<string> contactPoints, int keys, int seed, History history, int firstHistoryId)
{
    /// <summary>Senders that share the id.</summary>
    public const int Senders = 2;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    private int _rejected;

    /// <summary>Requests refused because the other sender had used their (client id, seq) for another command.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>
    /// Runs both senders until <paramref name="stop"/> fires. They go in rounds: in round r each sends its own request with
    /// seq r at the same time, so every round is a collision (two reads of one key may both be answered; otherwise one
    /// command is applied and the other refused).
    /// </summary>
    public Task Run(CancellationToken stop) => Task.Run(async () =>
    {
        var clientId = $"shared-{seed}";
        var random = new Random(unchecked(seed * 104729 + firstHistoryId));
        var n = 0;
        for (long seq = 1; !stop.IsCancellationRequested; seq++)
        {
            var round = Enumerable.Range(0, Senders).Select(i => Send(clientId, firstHistoryId + i, seq, "k" + random.Next(keys),
                random.Next(contactPoints.Count), random.Next(2) == 0 ? $"s{firstHistoryId + i}-{++n}" : null)).ToList();
            var outcomes = await Task.WhenAll(round);
            // Senders whose nodes are down do not spin: a round with an unknown outcome waits a little before the next.
            if (outcomes.Contains(KvOutcome.Indeterminate)) await Task.Delay(100, CancellationToken.None);
        }
    }, CancellationToken.None);

    /// <summary>Sends one request (a put of <paramref name="value"/>, or a get when it is null) once and records it.</summary>
    private async Task<KvOutcome> Send(string clientId, int historyId, long seq, string key, int node, string? value)
    {
        var entry = system.ActorSelection(contactPoints[node] + "/user/log");
        // Sent once to one node, so the node's log time is the issue time (reads need none).
        KvRequest request = value is not null
            ? new Put(key, Encoding.UTF8.GetBytes(value), clientId, seq) { Issued = KvRequest.IssuedOnArrival }
            : new Get(key, clientId, seq);
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
        // The entry may put more than one copy of a request in the log (it resubmits a write that waits), so only a refusal
        // that names the pair as the other command's proves this one was never applied: the log applies one command per
        // pair. A refusal because a newer seq was applied already, or as expired, may follow an earlier copy that was.
        var taken = reply is { Status: KvReplyStatus.Rejected, Error: { } error } && error.Contains("already used for another command", StringComparison.Ordinal);
        var outcome = reply?.Status switch
        {
            KvReplyStatus.Ok or KvReplyStatus.NotFound => KvOutcome.Ok,
            _ when taken => KvOutcome.Failed,
            _ => KvOutcome.Indeterminate,
        };
        if (taken) Interlocked.Increment(ref _rejected);
        var output = value is not null || reply?.Status != KvReplyStatus.Ok ? null : Encoding.UTF8.GetString(reply.Value ?? []);
        history.Add(new KvOperation(historyId, value is not null ? KvOpKind.Put : KvOpKind.Get, key, value, null, invoke, Clock.Now,
            outcome, output, false));
        return outcome;
    }
}
