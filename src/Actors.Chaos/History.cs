using Actors.Testing.Linearizability;

namespace Actors.Chaos;

/// <summary>The operations recorded so far, in completion order; safe to append from many clients.</summary>
public sealed class History
{
    private readonly List<KvOperation> _ops = [];

    /// <summary>Records one finished operation.</summary>
    public void Add(KvOperation op)
    {
        lock (_ops) _ops.Add(op);
    }

    /// <summary>A copy of everything recorded so far.</summary>
    public IReadOnlyList<KvOperation> Snapshot()
    {
        lock (_ops) return _ops.ToList();
    }

    /// <summary>Count of recorded operations and of those that ended Ok, Failed and Indeterminate.</summary>
    public (int Total, int Ok, int Failed, int Indeterminate) Counts()
    {
        lock (_ops)
        {
            int ok = 0, failed = 0, unknown = 0;
            foreach (var op in _ops)
            {
                switch (op.Outcome)
                {
                    case KvOutcome.Ok: ok++; break;
                    case KvOutcome.Failed: failed++; break;
                    default: unknown++; break;
                }
            }
            return (_ops.Count, ok, failed, unknown);
        }
    }
}
