using System.Collections.Concurrent;
using Actors.Contracts.Client;
using Actors.Testing.Counters;
using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>
/// Closed-loop clients adding to the built-in counters beside the key-value workload: each add has a unique request id
/// ("c{client}-{n}") and a delta of 1 to 9, and is retried with the same id by <see cref="ActorsClient.CounterAddAsync"/>
/// while its shard moves (kills and downings move shards). At the end, <see cref="CounterCheck"/> checks every counter.
/// </summary>
public sealed class CounterWorkload(IReadOnlyList<ActorsClient> clients, int counters, int seed)
{
    private readonly ConcurrentQueue<CounterAddRecord> _adds = new();

    /// <summary>Every add issued so far with its outcome.</summary>
    public IReadOnlyList<CounterAddRecord> Adds => _adds.ToList();

    /// <summary>The id of counter <paramref name="i"/>.</summary>
    public static string CounterId(int i) => "chaos-" + i;

    /// <summary>Runs every client until <paramref name="stop"/> fires; the add in flight is allowed to finish.</summary>
    public Task Run(CancellationToken stop) => counters == 0
        ? Task.CompletedTask
        : Task.WhenAll(clients.Select((c, i) => Task.Run(() => Client(c, i + 1, stop), CancellationToken.None)));

    private async Task Client(ActorsClient client, int id, CancellationToken stop)
    {
        var random = new Random(unchecked(seed * 104_729 + id));
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var counter = CounterId(random.Next(counters));
            var delta = random.Next(1, 10);
            var requestId = $"c{id}-{++n}";
            var outcome = await KvCaller.Outcome(() => client.CounterAddAsync(counter, delta, requestId));
            _adds.Enqueue(new CounterAddRecord(id, counter, requestId, delta, outcome, Clock.Now));
        }
    }

    /// <summary>
    /// Reads every counter once the faults are over (each read tried three times); a counter that never answers is
    /// returned in <c>Unreadable</c>, which the run reports as a violation (the cluster is healed by then).
    /// </summary>
    public async Task<(Dictionary<string, long> Values, List<string> Unreadable)> FinalValues(ActorsClient client, CancellationToken abort)
    {
        // All at once, so that a cluster that cannot serve them costs one request timeout or three, not that per counter.
        var reads = await Task.WhenAll(Enumerable.Range(0, counters).Select(async i =>
        {
            for (var attempt = 0; attempt < 3 && !abort.IsCancellationRequested; attempt++)
            {
                try
                {
                    return (Id: CounterId(i), Value: (long?)await client.CounterGetAsync(CounterId(i), abort));
                }
                catch (ActorsClientException)
                {
                }
            }
            return (Id: CounterId(i), Value: (long?)null);
        }));
        return (reads.Where(r => r.Value is not null).ToDictionary(r => r.Id, r => r.Value!.Value),
            reads.Where(r => r.Value is null).Select(r => r.Id).ToList());
    }
}
