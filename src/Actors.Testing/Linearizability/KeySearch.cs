using System.Globalization;

namespace Actors.Testing.Linearizability;

/// <summary>
/// Decides whether the history of a single key is linearizable with respect to the sequential
/// key-value model: the classic depth-first search over call and return events, backtracking over the
/// choice of which operation takes effect next, with memoization of visited (linearized set, value)
/// states.
/// </summary>
/// <remarks>
/// <para>
/// Determinate operations' calls and returns are kept in time order in a doubly-linked list (see
/// <see cref="EventLists"/>). Scanning from the head, every call met before the first return is a
/// candidate to linearize next; linearizing one unlinks its call and return and restarts the scan.
/// Reaching a return means its operation must already have taken effect, so once the other candidates
/// are exhausted the search backtracks to the most recent choice.
/// </para>
/// <para>
/// Indeterminate operations complete at +infinity and are optional. They sit in a second list ordered
/// by invoke and are tried after the determinate candidates, each being a candidate while its invoke is
/// not after the first pending return. Once a candidate, an optional operation stays one in the whole
/// subtree, since pending returns only leave the list as the search goes deeper. The search succeeds
/// as soon as every determinate operation is linearized; indeterminate ones still pending are taken
/// never to have happened. Failed operations and indeterminate Gets have no observable effect and are
/// left out before searching.
/// </para>
/// <para>
/// The following reductions keep the search from branching where no choice matters. Each preserves
/// the verdict, and what they depend on is part of the memoized state, so memoization stays exact.
/// </para>
/// <list type="bullet">
/// <item><description>Reads first: a candidate that leaves the value unchanged (a Get, or a Cas that did
/// not swap) and agrees with the current value is placed without a choice point, because moving it to
/// the front of any linearization from this state yields another one.</description></item>
/// <item><description>Unobservable values: a value that no pending operation reads or refuses (a Cas
/// that did not swap refuses its expected value) behaves like any other such value for the rest of
/// the search, so all of them are represented by one id and their states merge.</description></item>
/// <item><description>Optional operations only where observed: dropping an optional operation that
/// leaves the value unchanged, or that is immediately followed by a blind write (Put, Delete), keeps a
/// linearization valid. So the search places an optional operation only when a pending candidate can
/// observe the change (see <see cref="IsUseful"/>), and after one only a reading operation (Get,
/// Cas); whether that restriction holds is a flag in the memoized state.</description></item>
/// <item><description>Interchangeable optional operations: two optional candidates that are both blind
/// writes, or both Cas (which, to apply, expect the current value), and set the same (canonical) value
/// lead to states that differ only by which of the two remains pending, so only one of them is tried
/// at each point. A blind write and a Cas are not interchangeable: the write left pending could apply
/// later from any value.</description></item>
/// </list>
/// </remarks>
internal sealed class KeySearch
{
    private const int End = -1;

    private readonly string _key;
    private readonly List<PreparedOp> _ops;
    private readonly ValueTable _values;
    private readonly long _maxStates;
    private readonly EventLists _lists;
    private readonly OpSet _linearized;
    private readonly StateCache _cache = new();
    private readonly Frame[] _stack;

    // Per value id: pending operations that need exactly that value (the optional ones also counted on
    // their own), and pending operations that cannot be placed while the key holds that value.
    private readonly int[] _pendingReaders;
    private readonly int[] _pendingOptionalReaders;
    private readonly int[] _pendingRefusers;

    // The id standing for every value no pending operation can tell apart from another.
    private readonly int _unobservable;

    // Per depth: signatures of the optional operations already tried at the node of that depth.
    private readonly HashSet<int>?[] _triedOptional;

    private int _depth;
    private int _state;
    private int _shown;
    private int _determinateLeft;

    private int _bestDepth = -1;
    private int _bestStuck = -1;
    private int _bestLast = -1;
    private int _bestShown;

    private KeySearch(string key, List<PreparedOp> ops, ValueTable values, long maxStates)
    {
        _key = key;
        _ops = ops;
        _values = values;
        _maxStates = maxStates;
        _lists = new EventLists(ops);
        _linearized = new OpSet(ops.Count);
        _stack = new Frame[ops.Count];
        _triedOptional = new HashSet<int>?[ops.Count + 1];
        _determinateLeft = ops.Count(o => o.Determinate);
        _unobservable = values.Count;
        _pendingReaders = new int[values.Count + 1];
        _pendingOptionalReaders = new int[values.Count + 1];
        _pendingRefusers = new int[values.Count + 1];
        foreach (var op in ops)
        {
            CountPending(op, +1);
        }
    }

    private enum Placement
    {
        Rejected,
        Placed,
        Complete,
        OverBudget,
    }

    public static KeySearchResult Run(string key, IReadOnlyList<KvOperation> operations, long maxStates)
    {
        var values = new ValueTable();
        return new KeySearch(key, Prepare(operations, values), values, maxStates).Search();
    }

    private KeySearchResult Search()
    {
        if (_determinateLeft == 0)
        {
            return new KeySearchResult(KeyVerdict.Linearizable, string.Empty, 0);
        }

        // Cursor: a position in the main list or, once the first pending return is reached, a position
        // in the optional list, with pendingReturn bounding which optional calls are candidates.
        var nodeStart = true;
        var entry = End;
        var pendingReturn = End;
        var optional = End;
        while (true)
        {
            int candidate;
            var forced = false;
            if (nodeStart)
            {
                nodeStart = false;
                entry = _lists.Next[_lists.MainHead];
                pendingReturn = End;
                candidate = FindAgreeingRead();
                if (candidate == End)
                {
                    continue;
                }

                forced = true;
            }
            else if (pendingReturn == End)
            {
                if (entry == End)
                {
                    // Unreachable while a determinate operation is pending: its return is still linked.
                    throw new InvalidOperationException("Event list exhausted with determinate operations pending.");
                }

                if ((entry & 1) == 1)
                {
                    pendingReturn = entry;
                    optional = _lists.Next[_lists.OptionalHead];
                    (_triedOptional[_depth] ??= []).Clear();
                    continue;
                }

                candidate = entry >> 1;
                entry = _lists.Next[entry];
            }
            else if (optional != End && Op(optional).Source.Invoke <= Op(pendingReturn).Source.Complete)
            {
                candidate = optional >> 1;
                optional = _lists.Next[optional];
            }
            else
            {
                candidate = End;
            }

            if (candidate != End)
            {
                switch (TryPlace(candidate, forced, pendingReturn))
                {
                    case Placement.Placed:
                        nodeStart = true;
                        continue;
                    case Placement.Complete:
                        return new KeySearchResult(KeyVerdict.Linearizable, string.Empty, _cache.Count);
                    case Placement.OverBudget:
                        return BudgetExceeded();
                    case Placement.Rejected when !forced:
                        continue;
                }
            }

            // This state has no continuation: back up to the latest choice that has alternatives left.
            RecordFailure();
            Frame frame;
            do
            {
                if (_depth == 0)
                {
                    return NotLinearizable();
                }

                frame = _stack[--_depth];
                _state = frame.PreviousState;
                _shown = frame.PreviousShown;
                _linearized.Remove(frame.Op);
                _lists.Unlift(frame.Op);
                CountPending(_ops[frame.Op], +1);
                if (_ops[frame.Op].Determinate)
                {
                    _determinateLeft++;
                }
            }
            while (frame.Forced);

            if (_ops[frame.Op].Determinate)
            {
                entry = _lists.Next[2 * frame.Op];
                pendingReturn = End;
            }
            else
            {
                pendingReturn = frame.PendingReturn;
                optional = _lists.Next[2 * frame.Op];
            }
        }
    }

    /// <summary>A determinate candidate that leaves the value unchanged and agrees with it, or -1.</summary>
    private int FindAgreeingRead()
    {
        for (var e = _lists.Next[_lists.MainHead]; e != End && (e & 1) == 0; e = _lists.Next[e])
        {
            var op = Op(e);
            if (op.IsDeterminateRead && op.TryApply(_state, out _))
            {
                return e >> 1;
            }
        }

        return End;
    }

    private Placement TryPlace(int candidate, bool forced, int pendingReturn)
    {
        var op = _ops[candidate];
        var restricted = _depth > 0 && !_ops[_stack[_depth - 1].Op].Determinate;
        if ((restricted && op.IsBlindWrite) || !op.TryApply(_state, out var applied))
        {
            return Placement.Rejected;
        }

        var newState = Canonical(applied, op);
        if (!op.Determinate
            && (!IsUseful(newState, pendingReturn)
                || !_triedOptional[_depth]!.Add((newState << 1) | (op.Source.Kind == KvOpKind.Cas ? 1 : 0))))
        {
            return Placement.Rejected;
        }

        _linearized.Add(candidate);
        if (!_cache.TryAdd(_linearized, (newState << 1) | (op.Determinate ? 0 : 1)))
        {
            _linearized.Remove(candidate);
            return Placement.Rejected;
        }

        if (_cache.Count > _maxStates)
        {
            return Placement.OverBudget;
        }

        _stack[_depth++] = new Frame(candidate, _state, _shown, pendingReturn, forced);
        _state = newState;
        _shown = op.ChangesValue ? applied : _shown;
        _lists.Lift(candidate);
        CountPending(op, -1);
        return op.Determinate && --_determinateLeft == 0 ? Placement.Complete : Placement.Placed;
    }

    /// <summary>
    /// <paramref name="value"/>, or the unobservable id when no operation left pending after placing
    /// <paramref name="placing"/> reads or refuses it.
    /// </summary>
    private int Canonical(int value, PreparedOp placing)
    {
        if (value == _unobservable)
        {
            return value;
        }

        var readers = _pendingReaders[value] - (placing.ReadsValue == value ? 1 : 0);
        var refusers = _pendingRefusers[value] - (placing.RefusesValue == value ? 1 : 0);
        return readers == 0 && refusers == 0 ? _unobservable : value;
    }

    /// <summary>
    /// Whether an optional operation changing the current value to <paramref name="newState"/> could be
    /// part of a linearization the search still needs. In such a linearization the next operation
    /// observes the change, so it is one of the current candidates and either reads exactly the new
    /// value, or is a Cas that did not swap and is blocked because the current value equals its
    /// expected value. (A Cas that did not swap and is not blocked agrees with the current value, and
    /// such reads are placed before anything optional is tried.)
    /// </summary>
    private bool IsUseful(int newState, int pendingReturn)
    {
        if (newState == _state
            || (_pendingReaders[newState] == 0 && _pendingRefusers[_state] == 0))
        {
            return false;
        }

        for (var e = _lists.Next[_lists.MainHead]; e != End && (e & 1) == 0; e = _lists.Next[e])
        {
            if (Observes(Op(e), newState))
            {
                return true;
            }
        }

        if (_pendingOptionalReaders[newState] == 0)
        {
            return false;
        }

        var bound = Op(pendingReturn).Source.Complete;
        for (var e = _lists.Next[_lists.OptionalHead]; e != End && Op(e).Source.Invoke <= bound; e = _lists.Next[e])
        {
            if (Observes(Op(e), newState))
            {
                return true;
            }
        }

        return false;
    }

    private bool Observes(PreparedOp op, int newState) =>
        op.ReadsValue == newState || op.RefusesValue == _state;

    private void CountPending(PreparedOp op, int delta)
    {
        if (op.ReadsValue >= 0)
        {
            _pendingReaders[op.ReadsValue] += delta;
            if (!op.Determinate)
            {
                _pendingOptionalReaders[op.ReadsValue] += delta;
            }
        }

        if (op.RefusesValue >= 0)
        {
            _pendingRefusers[op.RefusesValue] += delta;
        }
    }

    private void RecordFailure()
    {
        if (_depth <= _bestDepth)
        {
            return;
        }

        var firstReturn = _lists.Next[_lists.MainHead];
        while ((firstReturn & 1) == 0)
        {
            firstReturn = _lists.Next[firstReturn];
        }

        _bestDepth = _depth;
        _bestStuck = firstReturn >> 1;
        _bestLast = _depth > 0 ? _stack[_depth - 1].Op : End;
        _bestShown = _shown;
    }

    private PreparedOp Op(int eventId) => _ops[eventId >> 1];

    private static List<PreparedOp> Prepare(IReadOnlyList<KvOperation> operations, ValueTable values)
    {
        var ops = new List<PreparedOp>(operations.Count);
        foreach (var o in operations)
        {
            var determinate = o.Outcome == KvOutcome.Ok;
            if (o.Outcome == KvOutcome.Failed || (!determinate && o.Kind == KvOpKind.Get))
            {
                continue;
            }

            ops.Add(new PreparedOp(
                o,
                determinate,
                values.Intern(o.Value),
                values.Intern(o.Expected),
                o.Kind == KvOpKind.Get ? values.Intern(o.Output) : 0));
        }

        // Index order is roughly linearization order, which keeps the memo's trimmed bitsets short (the sort is stable).
        return ops.OrderBy(o => o.Determinate ? 0 : 1).ThenBy(o => o.Source.Invoke).ToList();
    }

    private KeySearchResult BudgetExceeded() =>
        new(
            KeyVerdict.BudgetExceeded,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Key \"{_key}\": search budget of {_maxStates} states exceeded; linearizability is undecided, so the history is not accepted."),
            _maxStates);

    private KeySearchResult NotLinearizable()
    {
        var last = _bestLast >= 0
            ? $"ending with {OperationText.Describe(_ops[_bestLast].Source)}"
            : "empty";
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Key \"{_key}\" is not linearizable. The longest linearizable prefix places {_bestDepth} of {_ops.Count} operations ({last}) and leaves the value {OperationText.Value(_values.ValueOf(_bestShown))}; after it, {OperationText.Describe(_ops[_bestStuck].Source)} cannot be placed before its completion.");
        return new KeySearchResult(KeyVerdict.NotLinearizable, text, _cache.Count);
    }

    /// <summary>
    /// One linearization step: the operation placed, the value before it (canonical and as written),
    /// the pending return that bounded optional candidates when it was chosen, and whether it was placed
    /// without a choice.
    /// </summary>
    private readonly record struct Frame(int Op, int PreviousState, int PreviousShown, int PendingReturn, bool Forced);
}
