namespace Actors.Testing.Linearizability;

/// <summary>
/// The two doubly-linked event lists of the search, as index arrays. Event 2i is the call of operation
/// i and 2i + 1 its return. The main list holds determinate calls and returns in time order (calls
/// first at equal timestamps, so touching intervals are concurrent); the optional list holds the calls
/// of indeterminate operations in invoke order.
/// </summary>
/// <remarks>
/// Lifting unlinks an operation's events; unlifting relinks them. Unlifts must mirror lifts in reverse
/// order, which the depth-first search guarantees, so relinking needs no search (dancing links).
/// </remarks>
internal sealed class EventLists
{
    private const int End = -1;
    private readonly IReadOnlyList<PreparedOp> _ops;
    private readonly int[] _prev;

    public EventLists(IReadOnlyList<PreparedOp> ops)
    {
        _ops = ops;
        var n = ops.Count;
        MainHead = 2 * n;
        OptionalHead = 2 * n + 1;
        Next = new int[2 * n + 2];
        _prev = new int[2 * n + 2];

        var main = new List<(long Time, int IsReturn, int Id)>(2 * n);
        var optional = new List<(long Time, int IsReturn, int Id)>();
        for (var i = 0; i < n; i++)
        {
            var source = ops[i].Source;
            if (ops[i].Determinate)
            {
                main.Add((source.Invoke, 0, 2 * i));
                main.Add((source.Complete, 1, 2 * i + 1));
            }
            else
            {
                optional.Add((source.Invoke, 0, 2 * i));
            }
        }

        Chain(MainHead, main);
        Chain(OptionalHead, optional);
    }

    /// <summary>The event after each event or head; -1 at the end of a list.</summary>
    public int[] Next { get; }

    public int MainHead { get; }

    public int OptionalHead { get; }

    public void Lift(int op)
    {
        Unlink(2 * op);
        if (_ops[op].Determinate)
        {
            Unlink(2 * op + 1);
        }
    }

    public void Unlift(int op)
    {
        if (_ops[op].Determinate)
        {
            Relink(2 * op + 1);
        }

        Relink(2 * op);
    }

    private void Chain(int head, List<(long Time, int IsReturn, int Id)> events)
    {
        events.Sort();
        var last = head;
        _prev[head] = End;
        foreach (var (_, _, id) in events)
        {
            Next[last] = id;
            _prev[id] = last;
            last = id;
        }

        Next[last] = End;
    }

    private void Unlink(int e)
    {
        Next[_prev[e]] = Next[e];
        if (Next[e] != End)
        {
            _prev[Next[e]] = _prev[e];
        }
    }

    private void Relink(int e)
    {
        Next[_prev[e]] = e;
        if (Next[e] != End)
        {
            _prev[Next[e]] = e;
        }
    }
}
