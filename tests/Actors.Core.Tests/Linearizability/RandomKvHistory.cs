using Actors.Testing.Linearizability;

namespace Actors.Core.Tests.Linearizability;

/// <summary>
/// Generates histories that are linearizable by construction: each client issues operations one after
/// another over random intervals, every operation that takes effect gets a linearization point inside
/// its interval (or, when indeterminate, anywhere after its invoke), and results come from running a
/// real sequential key-value store in linearization-point order.
/// </summary>
internal static class RandomKvHistory
{
    public static List<KvOperation> Generate(
        Random rng,
        int clients,
        int opsPerClient,
        int keys,
        double indeterminateRate = 0.05,
        double failedRate = 0.03)
    {
        var drafts = new List<Draft>();
        for (var client = 0; client < clients; client++)
        {
            long cursor = rng.Next(0, 10);
            for (var i = 0; i < opsPerClient; i++)
            {
                var invoke = cursor + rng.Next(0, 5);
                var complete = invoke + rng.Next(0, 30);
                var roll = rng.NextDouble();
                var outcome = roll < failedRate ? KvOutcome.Failed
                    : roll < failedRate + indeterminateRate ? KvOutcome.Indeterminate
                    : KvOutcome.Ok;
                long? effect = outcome switch
                {
                    KvOutcome.Ok => rng.NextInt64(invoke, complete + 1),
                    KvOutcome.Indeterminate when rng.Next(2) == 0 => invoke + rng.Next(0, 100),
                    _ => null,
                };
                drafts.Add(new Draft
                {
                    Client = client,
                    Key = "key" + rng.Next(keys),
                    Kind = PickKind(rng),
                    Invoke = invoke,
                    Complete = complete,
                    Outcome = outcome,
                    Effect = effect,
                });
                cursor = complete + 1;
            }
        }

        var fresh = 0;
        var store = new Dictionary<string, string?>();
        var written = new Dictionary<string, List<string>>();
        string Fresh(string key)
        {
            var value = "v" + fresh++;
            if (!written.TryGetValue(key, out var list))
            {
                list = [];
                written.Add(key, list);
            }

            list.Add(value);
            return value;
        }

        string? SomeExpected(string key, string? current)
        {
            var roll = rng.NextDouble();
            if (roll < 0.6)
            {
                return current;
            }

            if (roll < 0.75 || !written.TryGetValue(key, out var list))
            {
                return null;
            }

            return list[rng.Next(list.Count)];
        }

        // Stable sort: equal linearization points lie inside both intervals, so either order is valid.
        var applied = drafts.Where(d => d.Effect is not null).OrderBy(d => d.Effect!.Value).ToList();
        foreach (var d in applied)
        {
            var current = store.GetValueOrDefault(d.Key);
            switch (d.Kind)
            {
                case KvOpKind.Put:
                    d.Value = Fresh(d.Key);
                    store[d.Key] = d.Value;
                    break;
                case KvOpKind.Get:
                    d.Output = d.Outcome == KvOutcome.Ok ? current : null;
                    break;
                case KvOpKind.Cas:
                    d.Expected = SomeExpected(d.Key, current);
                    d.Value = Fresh(d.Key);
                    d.Swapped = d.Outcome == KvOutcome.Ok && string.Equals(current, d.Expected, StringComparison.Ordinal);
                    if (string.Equals(current, d.Expected, StringComparison.Ordinal))
                    {
                        store[d.Key] = d.Value;
                    }

                    break;
                case KvOpKind.Delete:
                    store[d.Key] = null;
                    break;
            }
        }

        // Operations that never took effect may report anything: the checker must not rely on them.
        foreach (var d in drafts.Where(d => d.Effect is null))
        {
            switch (d.Kind)
            {
                case KvOpKind.Put:
                    d.Value = Fresh(d.Key);
                    break;
                case KvOpKind.Get:
                    d.Output = rng.Next(2) == 0 ? "junk" + fresh++ : SomeExpected(d.Key, null);
                    break;
                case KvOpKind.Cas:
                    d.Expected = SomeExpected(d.Key, store.GetValueOrDefault(d.Key));
                    d.Value = Fresh(d.Key);
                    d.Swapped = rng.Next(2) == 0;
                    break;
            }
        }

        var history = drafts.Select(d => d.ToOperation()).ToList();
        Shuffle(rng, history);
        return history;
    }

    /// <summary>
    /// Replaces the output of one completed Get with a value it cannot have read: one whose every writer
    /// is invoked only after the Get completes (a read from the future), or, failing that, a value nobody
    /// writes. Returns null when the history has no completed Get.
    /// </summary>
    public static (List<KvOperation> History, KvOperation Original, KvOperation Mutated)? MutateOneGet(
        Random rng, IReadOnlyList<KvOperation> history)
    {
        var gets = history
            .Select((op, index) => (op, index))
            .Where(x => x.op.Kind == KvOpKind.Get && x.op.Outcome == KvOutcome.Ok)
            .ToList();
        if (gets.Count == 0)
        {
            return null;
        }

        var (get, at) = gets[rng.Next(gets.Count)];
        var sameKey = history.Where(op => op.Key == get.Key).ToList();
        var futureOnly = sameKey
            .Where(op => op.Value is not null)
            .Select(op => op.Value!)
            .Distinct()
            .Where(v => sameKey.Where(op => op.Value == v).All(op => op.Invoke > get.Complete))
            .ToList();
        var output = futureOnly.Count > 0 ? futureOnly[rng.Next(futureOnly.Count)] : "never-written";

        var mutated = get with { Output = output };
        var result = history.ToList();
        result[at] = mutated;
        return (result, get, mutated);
    }

    private static KvOpKind PickKind(Random rng) => rng.Next(10) switch
    {
        < 3 => KvOpKind.Put,
        < 7 => KvOpKind.Get,
        < 9 => KvOpKind.Cas,
        _ => KvOpKind.Delete,
    };

    private static void Shuffle<T>(Random rng, List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private sealed class Draft
    {
        public int Client { get; init; }
        public required string Key { get; init; }
        public KvOpKind Kind { get; init; }
        public long Invoke { get; init; }
        public long Complete { get; init; }
        public KvOutcome Outcome { get; init; }
        public long? Effect { get; init; }
        public string? Value { get; set; }
        public string? Expected { get; set; }
        public string? Output { get; set; }
        public bool Swapped { get; set; }

        public KvOperation ToOperation() =>
            new(Client, Kind, Key, Value, Expected, Invoke, Complete, Outcome, Output, Swapped);
    }
}
