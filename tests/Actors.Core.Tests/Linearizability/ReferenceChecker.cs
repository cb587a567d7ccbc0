using Actors.Testing.Linearizability;

namespace Actors.Core.Tests.Linearizability;

/// <summary>
/// A deliberately plain reference, written straight from the definition of linearizability: tries
/// every next operation allowed by real time, memoizing only (placed operations, value). No event
/// lists, no reductions. At most 64 operations per key.
/// </summary>
internal static class ReferenceChecker
{
    public static bool IsLinearizable(IEnumerable<KvOperation> history) =>
        history
            .Where(op => op.Outcome != KvOutcome.Failed)
            .GroupBy(op => op.Key, StringComparer.Ordinal)
            .All(g => new Search(g.ToArray()).From(0, null));

    private sealed class Search(KvOperation[] ops)
    {
        private readonly HashSet<(ulong, string?)> _failed = [];
        private readonly ulong _determinate = Mask(ops, op => op.Outcome == KvOutcome.Ok);

        public bool From(ulong placed, string? state)
        {
            if ((placed & _determinate) == _determinate)
            {
                return true;
            }

            if (_failed.Contains((placed, state)))
            {
                return false;
            }

            for (var i = 0; i < ops.Length; i++)
            {
                if ((placed & (1UL << i)) != 0 || MustWait(placed, i))
                {
                    continue;
                }

                foreach (var next in Apply(ops[i], state))
                {
                    if (From(placed | (1UL << i), next))
                    {
                        return true;
                    }
                }
            }

            _failed.Add((placed, state));
            return false;
        }

        // Operation i cannot come next while a pending determinate operation finished before i began.
        private bool MustWait(ulong placed, int i)
        {
            for (var j = 0; j < ops.Length; j++)
            {
                if (j != i && (placed & (1UL << j)) == 0 && (_determinate & (1UL << j)) != 0
                    && ops[j].Complete < ops[i].Invoke)
                {
                    return true;
                }
            }

            return false;
        }

        private static ulong Mask(KvOperation[] ops, Func<KvOperation, bool> predicate)
        {
            if (ops.Length > 64)
            {
                throw new ArgumentException("The reference checker handles at most 64 operations per key.");
            }

            var mask = 0UL;
            for (var i = 0; i < ops.Length; i++)
            {
                if (predicate(ops[i]))
                {
                    mask |= 1UL << i;
                }
            }

            return mask;
        }
    }

    private static IEnumerable<string?> Apply(KvOperation op, string? state)
    {
        var matches = string.Equals(state, op.Expected, StringComparison.Ordinal);
        var determinate = op.Outcome == KvOutcome.Ok;
        switch (op.Kind)
        {
            case KvOpKind.Put:
                yield return op.Value;
                break;
            case KvOpKind.Delete:
                yield return null;
                break;
            case KvOpKind.Get:
                if (!determinate || string.Equals(state, op.Output, StringComparison.Ordinal))
                {
                    yield return state;
                }

                break;
            case KvOpKind.Cas when !determinate:
                yield return matches ? op.Value : state;
                break;
            case KvOpKind.Cas:
                if (matches == op.Swapped)
                {
                    yield return matches ? op.Value : state;
                }

                break;
        }
    }
}
