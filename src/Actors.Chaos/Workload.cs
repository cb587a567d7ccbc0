using Actors.Contracts.Client;
using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>
/// Closed-loop clients, each with its own <see cref="ActorsClient"/>, doing random put, get and compare-and-set on
/// a small key set. Every written value is unique ("c{client}-{n}"), which is what lets the checker tell writes apart.
/// </summary>
public sealed class Workload(IReadOnlyList<ActorsClient> clients, int keys, int seed, History history)
{
    /// <summary>Runs every client until <paramref name="stop"/> fires; the operation in flight is allowed to finish.</summary>
    public Task Run(CancellationToken stop) =>
        Task.WhenAll(clients.Select((c, i) => Task.Run(() => Client(c, i + 1, stop), CancellationToken.None)));

    private async Task Client(ActorsClient client, int id, CancellationToken stop)
    {
        var random = new Random(unchecked(seed * 7919 + id));
        var lastSeen = new Dictionary<string, string?>();
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var key = "k" + random.Next(keys);
            var roll = random.Next(100);
            KvOperation op;
            if (roll < 45)
            {
                op = await KvCaller.Run(client, id, KvOpKind.Get, key, null, null);
                if (op.Outcome == KvOutcome.Ok) lastSeen[key] = op.Output;
            }
            else if (roll < 75)
            {
                op = await KvCaller.Run(client, id, KvOpKind.Put, key, $"c{id}-{++n}", null);
                if (op.Outcome == KvOutcome.Ok) lastSeen[key] = op.Value;
            }
            else
            {
                // Expect what this client last saw, so that a fair share of the swaps succeed.
                lastSeen.TryGetValue(key, out var expected);
                op = await KvCaller.Run(client, id, KvOpKind.Cas, key, $"c{id}-{++n}", expected);
                if (op.Outcome == KvOutcome.Ok && op.Swapped) lastSeen[key] = op.Value;
            }
            history.Add(op);
        }
    }
}
