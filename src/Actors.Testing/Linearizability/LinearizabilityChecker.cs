using System.Globalization;

namespace Actors.Testing.Linearizability;

/// <summary>
/// Checks recorded key-value histories for linearizability against a sequential map of string keys to
/// string values, in which every key starts missing.
/// </summary>
/// <remarks>
/// Linearizability is compositional, so each key is checked on its own (keys in ordinal order, stopping
/// at the first that fails). A history is linearizable when its <see cref="KvOutcome.Ok"/> operations,
/// together with any subset of its <see cref="KvOutcome.Indeterminate"/> ones, can be put in one total
/// order that respects real time (<c>a.Complete &lt; b.Invoke</c> puts <c>a</c> first; equal timestamps
/// are concurrent), in which each operation takes effect after its invoke and, when determinate, before
/// its completion, and in which every Ok operation's recorded result is the one the sequential model
/// produces. <see cref="KvOutcome.Failed"/> operations are ignored. The check is pure and deterministic.
/// <para>
/// Deciding linearizability is NP-complete in general. The search is fast when few operations on a
/// key overlap in time; its cost grows exponentially with that overlap and linearly with the length of
/// the key's history. Refuting a history explores every state reachable before the violation, so it
/// costs more than accepting one. Memory grows with the states explored (on the order of a hundred
/// bytes each, more with wide overlap), which is what <c>maxStatesPerKey</c> bounds.
/// </para>
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>Checks <paramref name="history"/>; the verdict does not depend on the order of its operations.</summary>
    /// <param name="history">Operations on any number of keys.</param>
    /// <param name="maxStatesPerKey">
    /// Bound on distinct search states per key. When a key needs more, the result is not linearizable
    /// with an explanation saying the budget was exceeded: an undecided history is never accepted.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxStatesPerKey"/> is not positive.</exception>
    /// <exception cref="ArgumentException">
    /// An operation is null, has a null key or an undefined kind or outcome, or is determinate with
    /// <c>Complete &lt; Invoke</c>.
    /// </exception>
    public static CheckResult Check(IEnumerable<KvOperation> history, long maxStatesPerKey = 50_000_000)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStatesPerKey);

        var byKey = new SortedDictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        var count = 0;
        foreach (var op in history)
        {
            Validate(op, nameof(history));
            if (!byKey.TryGetValue(op.Key, out var ops))
            {
                ops = [];
                byKey.Add(op.Key, ops);
            }

            ops.Add(op);
            count++;
        }

        long explored = 0;
        foreach (var (key, ops) in byKey)
        {
            var result = KeySearch.Run(key, ops, maxStatesPerKey);
            explored += result.StatesExplored;
            if (result.Verdict != KeyVerdict.Linearizable)
            {
                return new CheckResult(false, key, result.Explanation, explored);
            }
        }

        return new CheckResult(
            true,
            null,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Linearizable: {count} operations on {byKey.Count} keys."),
            explored);
    }

    private static void Validate(KvOperation? op, string paramName)
    {
        if (op is null)
        {
            throw new ArgumentException("The history contains a null operation.", paramName);
        }

        if (op.Key is null)
        {
            throw new ArgumentException($"Operation {op} has a null key.", paramName);
        }

        if (!Enum.IsDefined(op.Kind) || !Enum.IsDefined(op.Outcome))
        {
            throw new ArgumentException($"Operation {op} has an undefined kind or outcome.", paramName);
        }

        if (op.Outcome != KvOutcome.Indeterminate && op.Complete < op.Invoke)
        {
            throw new ArgumentException($"Operation {op} completes before it is invoked.", paramName);
        }
    }
}
