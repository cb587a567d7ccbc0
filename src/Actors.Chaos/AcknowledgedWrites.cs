using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>
/// Checks that no acknowledged write was lost: each Ok put, Ok delete and Ok compare-and-set that swapped either
/// left its value in the final state or was superseded by another write to the same key that had not completed
/// before it was invoked (a later or concurrent write, indeterminate ones included).
/// </summary>
public static class AcknowledgedWrites
{
    /// <summary>The acknowledged writes that are neither in <paramref name="finalState"/> nor superseded.</summary>
    /// <param name="history">The client operations (final reads may be included; they are not writes).</param>
    /// <param name="finalState">The value read for each key at the end (null: missing). Keys absent here are not checked.</param>
    public static IReadOnlyList<KvOperation> Lost(IReadOnlyList<KvOperation> history, IReadOnlyDictionary<string, string?> finalState)
    {
        var writes = history.Where(MayHaveWritten).GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.ToList());
        var lost = new List<KvOperation>();
        foreach (var (key, ops) in writes)
        {
            if (!finalState.TryGetValue(key, out var final)) continue;
            foreach (var w in ops.Where(o => o.Outcome == KvOutcome.Ok))
            {
                if (Written(w) == final) continue;
                var superseded = ops.Any(o => !ReferenceEquals(o, w) && (o.Outcome == KvOutcome.Indeterminate || o.Complete >= w.Invoke));
                if (!superseded) lost.Add(w);
            }
        }
        return lost;
    }

    /// <summary>How many acknowledged writes there are in <paramref name="history"/>.</summary>
    public static int Count(IReadOnlyList<KvOperation> history) => history.Count(o => o.Outcome == KvOutcome.Ok && MayHaveWritten(o));

    private static bool MayHaveWritten(KvOperation o) => o.Outcome != KvOutcome.Failed && o.Kind switch
    {
        KvOpKind.Put or KvOpKind.Delete => true,
        KvOpKind.Cas => o.Outcome == KvOutcome.Indeterminate || o.Swapped,
        _ => false,
    };

    private static string? Written(KvOperation o) => o.Kind == KvOpKind.Delete ? null : o.Value;
}
