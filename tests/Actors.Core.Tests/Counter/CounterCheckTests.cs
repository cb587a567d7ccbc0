using Actors.Testing.Counters;
using Actors.Testing.Linearizability;
using Xunit;

namespace Actors.Core.Tests.Counter;

public sealed class CounterCheckTests
{
    private static CounterAddRecord Add(long delta, KvOutcome outcome, string counter = "a") => new(1, counter, Guid.NewGuid().ToString(), delta, outcome);

    private static CounterVerdict Verdict(long final, params CounterAddRecord[] adds) =>
        Assert.Single(CounterCheck.Check(adds, new Dictionary<string, long> { ["a"] = final }));

    [Fact]
    public void Acknowledged_adds_counted_once_pass()
    {
        Assert.Null(Verdict(7, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok), Add(5, KvOutcome.Failed)).Problem);
        Assert.Null(Verdict(12, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok), Add(5, KvOutcome.Indeterminate)).Problem);
        Assert.Null(Verdict(7, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok), Add(5, KvOutcome.Indeterminate)).Problem);
    }

    [Fact]
    public void A_lost_or_doubled_add_is_reported()
    {
        Assert.Contains("lost", Verdict(3, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok)).Problem);
        Assert.Contains("counted twice", Verdict(11, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok)).Problem);
        // 7 + 4 (doubled) + 0 or 2 (unknown): 11 or 13 is no subset of {2} above 7.
        Assert.NotNull(Verdict(11, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok), Add(2, KvOutcome.Indeterminate)).Problem);
        // A failed (refused) add that shows up anyway is counted against the check too.
        Assert.NotNull(Verdict(12, Add(3, KvOutcome.Ok), Add(4, KvOutcome.Ok), Add(5, KvOutcome.Failed)).Problem);
    }
}
