namespace Actors.Testing.Linearizability;

/// <summary>
/// The memo of visited search states: the set of operations already linearized plus an integer tag
/// (the model value and search flags). A state seen once never needs exploring again: either it led
/// to a full linearization (and the search stopped) or every continuation from it failed.
/// </summary>
internal sealed class StateCache
{
    // Hash -> newest entry with that hash; entries with equal hashes are chained through _chain.
    private readonly Dictionary<ulong, int> _heads = new();
    private readonly List<ulong[]> _sets = new();
    private readonly List<int> _tags = new();
    private readonly List<int> _chain = new();

    public int Count => _tags.Count;

    /// <summary>Records (<paramref name="set"/>, <paramref name="tag"/>); false when it was already recorded.</summary>
    public bool TryAdd(OpSet set, int tag)
    {
        var hash = set.Hash ^ Mix.SplitMix64(~(ulong)(uint)tag);
        var window = set.Window();
        if (_heads.TryGetValue(hash, out var head))
        {
            for (var e = head; e >= 0; e = _chain[e])
            {
                if (_tags[e] == tag && set.SameMembers(_sets[e], window))
                {
                    return false;
                }
            }
        }
        else
        {
            head = -1;
        }

        _sets.Add(set.Snapshot(window));
        _tags.Add(tag);
        _chain.Add(head);
        _heads[hash] = _tags.Count - 1;
        return true;
    }
}
