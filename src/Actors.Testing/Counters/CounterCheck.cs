using Actors.Testing.Linearizability;

namespace Actors.Testing.Counters;

/// <summary>
/// One add to a counter as a client saw it: acknowledged (Ok), refused (Failed) or unknown (Indeterminate), and when its
/// answer came (<see cref="CompletedAt"/>, in the recorder's clock; 0 when not recorded).
/// </summary>
public sealed record CounterAddRecord(int ClientId, string Counter, string RequestId, long Delta, KvOutcome Outcome, long CompletedAt = 0);

/// <summary>What the check found for one counter.</summary>
/// <param name="Counter">The counter's id.</param>
/// <param name="Acknowledged">Sum of the acknowledged adds.</param>
/// <param name="Final">The value read at the end.</param>
/// <param name="Indeterminate">How many adds ended without an answer (each may or may not be applied).</param>
/// <param name="Problem">Why the final value cannot be the acknowledged adds counted once plus some of the unknown ones; null when it can.</param>
public sealed record CounterVerdict(string Counter, long Acknowledged, long Final, int Indeterminate, string? Problem);

/// <summary>
/// Checks counters after a run: every acknowledged add counted exactly once and none twice means the final value is the
/// sum of the acknowledged adds plus the sum of some subset of the adds whose outcome is unknown. With no unknown add the
/// value must be exactly the acknowledged sum; otherwise a lost or doubled add shows unless its delta equals the sum of
/// some unknown ones (deltas of 1 to 9 keep that rare).
/// </summary>
public static class CounterCheck
{
    public static IReadOnlyList<CounterVerdict> Check(IReadOnlyList<CounterAddRecord> adds, IReadOnlyDictionary<string, long> finals)
    {
        var verdicts = new List<CounterVerdict>();
        var byCounter = adds.ToLookup(a => a.Counter);
        foreach (var (counter, final) in finals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var mine = byCounter[counter].ToList();
            var acknowledged = mine.Where(a => a.Outcome == KvOutcome.Ok).Sum(a => a.Delta);
            var unknown = mine.Where(a => a.Outcome == KvOutcome.Indeterminate).Select(a => a.Delta).ToList();
            string? problem = null;
            var extra = final - acknowledged;
            if (!SubsetSums(unknown).Contains(extra))
                problem = extra < 0
                    ? $"{-extra} below the acknowledged adds: an acknowledged add was lost"
                    : unknown.Count == 0
                        ? $"{extra} above the acknowledged adds with no add unanswered: an add was counted twice"
                        : $"{extra} above the acknowledged adds, which no set of the {unknown.Count} unanswered adds makes: an add was lost or counted twice";
            verdicts.Add(new CounterVerdict(counter, acknowledged, final, unknown.Count, problem));
        }
        return verdicts;
    }

    /// <summary>Every sum of a subset of <paramref name="deltas"/> (the empty one included).</summary>
    private static HashSet<long> SubsetSums(IReadOnlyList<long> deltas)
    {
        var sums = new HashSet<long> { 0 };
        foreach (var d in deltas)
            foreach (var s in sums.ToList())
                sums.Add(s + d);
        return sums;
    }
}
