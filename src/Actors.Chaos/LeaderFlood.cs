using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Chaos;

/// <summary>What a flood of one node found: how many writes it sent, how many were refused as overloaded, and the most
/// commands the node's proposer was seen holding in its queue (null when the node never answered: paused or killed meanwhile).</summary>
public sealed record FloodOutcome(int Node, int Sent, int Overloaded, int Answered, int? MostHeld, int MaxPending)
{
    /// <summary>The node held more commands than max-pending: its queue is not bounded.</summary>
    public bool Unbounded => MostHeld > MaxPending;
}

/// <summary>
/// Sends a burst of writes straight to one node's entry (<c>/user/log</c>) from the harness's own actor system, as clients
/// that keep a cut-off leader as their contact would: with no majority, it can hold at most max-pending of them and must
/// refuse the rest as overloaded. The writes go to keys of their own (<c>flood-N</c>), which the checked history never reads.
/// </summary>
public sealed class LeaderFlood(ActorSystem system, ClusterControl cluster, int maxPending)
{
    /// <summary>
    /// Writes sent per flood: what the leader may keep in flight, and half again max-pending on top, so a bounded queue
    /// must refuse about a third of the rest; an unbounded one shows more than max-pending held.
    /// </summary>
    public int Count => ClusterControl.InFlightCapacity + maxPending + maxPending / 2;

    /// <summary>
    /// Floods node <paramref name="node"/> and, while the writes wait (for <paramref name="hold"/> at most), reads how many
    /// commands its proposer holds a few times.
    /// </summary>
    public async Task<FloodOutcome> Run(int node, TimeSpan hold)
    {
        var entry = system.ActorSelection(cluster.ContactPoints[node - 1] + "/user/log");
        var value = "flood"u8.ToArray();
        var replies = Enumerable.Range(0, Count)
            .Select(i => Ask(entry, new Put($"flood-{i}", value), hold))
            .ToList();
        int? mostHeld = null;
        var until = DateTime.UtcNow + hold;
        while (DateTime.UtcNow < until)
        {
            if (await cluster.Status(node) is { } status) mostHeld = Math.Max(mostHeld ?? 0, status.Pending);
            await Task.Delay(300);
        }
        var answers = await Task.WhenAll(replies);
        var overloaded = answers.Count(r => r is { Status: KvReplyStatus.Unavailable, Error: { } e } && e.StartsWith("overloaded", StringComparison.Ordinal));
        return new FloodOutcome(node, Count, overloaded, answers.Count(r => r is not null), mostHeld, maxPending);
    }

    private static async Task<KvReply?> Ask(ActorSelection entry, Put put, TimeSpan timeout)
    {
        try
        {
            return await entry.Ask<KvReply>(put, timeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
