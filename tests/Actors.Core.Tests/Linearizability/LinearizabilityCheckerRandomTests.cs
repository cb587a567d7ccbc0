using Actors.Testing.Linearizability;
using Xunit;

namespace Actors.Core.Tests.Linearizability;

public sealed class LinearizabilityCheckerRandomTests
{
    private const int Seeds = 300;

    [Fact]
    public void Checker_accepts_random_histories_produced_by_a_sequential_store()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var history = SmallHistory(seed);

            var result = LinearizabilityChecker.Check(history);

            Assert.True(result.IsLinearizable, $"seed {seed}: {result.Explanation}");
        }
    }

    [Fact]
    public void Checker_rejects_random_histories_with_one_read_from_the_future()
    {
        var mutatedCount = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var mutation = RandomKvHistory.MutateOneGet(new Random(seed), SmallHistory(seed));
            if (mutation is not { } m)
            {
                continue;
            }

            mutatedCount++;
            var result = LinearizabilityChecker.Check(m.History);

            Assert.False(
                result.IsLinearizable,
                $"seed {seed}: accepted a Get changed from {m.Original.Output ?? "<missing>"} to {m.Mutated.Output}");
            Assert.Equal(m.Mutated.Key, result.FailingKey);
        }

        Assert.True(mutatedCount > Seeds * 9 / 10, $"only {mutatedCount} of {Seeds} histories had a Get to mutate");
    }

    [Fact]
    public void Checker_agrees_with_a_reference_search_on_small_arbitrary_histories()
    {
        var accepted = 0;
        var rejected = 0;
        for (var seed = 0; seed < 3000; seed++)
        {
            var rng = new Random(seed);
            var history = ArbitrarySmallHistory(rng);
            var expected = ReferenceChecker.IsLinearizable(history);

            var result = LinearizabilityChecker.Check(history);
            var reversed = LinearizabilityChecker.Check(Enumerable.Reverse(history));

            Assert.True(
                expected == result.IsLinearizable,
                $"seed {seed}: expected {expected}, checker said {result.IsLinearizable} ({result.Explanation})");
            Assert.True(expected == reversed.IsLinearizable, $"seed {seed}: verdict depends on input order");
            if (expected)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        // Both verdicts must be common, or the agreement above says little.
        Assert.True(accepted > 300 && rejected > 300, $"accepted {accepted}, rejected {rejected}");
    }

    [Fact]
    public void Checker_agrees_with_a_reference_search_on_perturbed_generated_histories()
    {
        var rejected = 0;
        for (var seed = 0; seed < 1500; seed++)
        {
            var rng = new Random(seed);
            var history = RandomKvHistory.Generate(
                rng, clients: rng.Next(2, 7), opsPerClient: rng.Next(2, 10), keys: 1, indeterminateRate: 0.2, failedRate: 0.1);
            Perturb(rng, history);
            var expected = ReferenceChecker.IsLinearizable(history);

            var result = LinearizabilityChecker.Check(history);

            Assert.True(
                expected == result.IsLinearizable,
                $"seed {seed}: expected {expected}, checker said {result.IsLinearizable} ({result.Explanation})");
            rejected += expected ? 0 : 1;
        }

        Assert.True(rejected > 100, $"only {rejected} perturbed histories were not linearizable");
    }

    [Fact]
    public void Checker_accepts_a_long_history_with_many_indeterminate_operations_within_a_small_budget()
    {
        const int seed = 7;
        var history = RandomKvHistory.Generate(
            new Random(seed), clients: 5, opsPerClient: 1000, keys: 1, indeterminateRate: 0.2, failedRate: 0.02);

        var result = LinearizabilityChecker.Check(history, maxStatesPerKey: 500_000);

        Assert.True(result.IsLinearizable, $"seed {seed}: {result.Explanation}");
    }

    [Fact]
    public void Checker_accepts_ten_clients_with_two_hundred_operations_each_on_five_keys()
    {
        const int seed = 20240;
        var history = RandomKvHistory.Generate(new Random(seed), clients: 10, opsPerClient: 200, keys: 5);

        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(2000, history.Count);
        Assert.True(result.IsLinearizable, $"seed {seed}: {result.Explanation}");
    }

    [Fact]
    public void Checker_rejects_a_read_from_the_future_in_a_large_history()
    {
        const int seed = 20241;
        var rng = new Random(seed);
        var history = RandomKvHistory.Generate(rng, clients: 10, opsPerClient: 200, keys: 5);
        var m = RandomKvHistory.MutateOneGet(rng, history)!.Value;

        var result = LinearizabilityChecker.Check(m.History);

        Assert.False(result.IsLinearizable, $"seed {seed}: mutated {m.Mutated}");
        Assert.Equal(m.Mutated.Key, result.FailingKey);
    }

    private static List<KvOperation> SmallHistory(int seed)
    {
        var rng = new Random(seed);
        return RandomKvHistory.Generate(
            rng,
            clients: rng.Next(2, 6),
            opsPerClient: rng.Next(5, 30),
            keys: rng.Next(1, 4),
            indeterminateRate: 0.08,
            failedRate: 0.05);
    }

    /// <summary>Changes one or two fields of random operations, to get histories near the linearizable ones.</summary>
    private static void Perturb(Random rng, List<KvOperation> history)
    {
        string?[] values = [null, .. history.Select(op => op.Value).OfType<string>().Distinct()];
        for (var n = rng.Next(1, 3); n > 0; n--)
        {
            var i = rng.Next(history.Count);
            var op = history[i];
            history[i] = rng.Next(5) switch
            {
                0 => op with { Output = values[rng.Next(values.Length)] },
                1 => op with { Swapped = !op.Swapped },
                2 => op with { Expected = values[rng.Next(values.Length)] },
                3 => op with { Outcome = (KvOutcome)rng.Next(3) },
                _ => op with { Value = values[rng.Next(values.Length)] },
            };
        }
    }

    private static List<KvOperation> ArbitrarySmallHistory(Random rng)
    {
        string?[] values = [null, "a", "b", "c"];
        string? Pick() => values[rng.Next(values.Length)];
        string PickValue() => values[rng.Next(1, values.Length)]!;

        var history = new List<KvOperation>();
        var count = rng.Next(1, 9);
        for (var i = 0; i < count; i++)
        {
            var kind = (KvOpKind)rng.Next(4);
            var invoke = rng.Next(0, 12);
            var complete = invoke + rng.Next(0, 6);
            var roll = rng.Next(10);
            var outcome = roll < 6 ? KvOutcome.Ok : roll < 9 ? KvOutcome.Indeterminate : KvOutcome.Failed;
            history.Add(new KvOperation(
                ClientId: i,
                Kind: kind,
                Key: rng.Next(4) == 0 ? "other" : "k",
                Value: kind is KvOpKind.Put or KvOpKind.Cas ? PickValue() : null,
                Expected: kind == KvOpKind.Cas ? Pick() : null,
                Invoke: invoke,
                Complete: complete,
                Outcome: outcome,
                Output: kind == KvOpKind.Get ? Pick() : null,
                Swapped: rng.Next(2) == 0));
        }

        return history;
    }
}
