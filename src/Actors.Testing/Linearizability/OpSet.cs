namespace Actors.Testing.Linearizability;

/// <summary>
/// A mutable set of operation indices as a bitset, carrying an incrementally maintained hash (the XOR
/// of a fixed pseudo-random key per member) so that hashing a search state costs O(1), not O(words).
/// </summary>
/// <remarks>
/// Snapshots are trimmed: the search linearizes operations roughly in index order, so a set is
/// typically a run of full words, a short window, then zero words. A snapshot stores the number of
/// leading full words followed by the window only, which keeps the memo small for long histories.
/// </remarks>
internal sealed class OpSet
{
    private readonly ulong[] _words;

    public OpSet(int capacity) => _words = new ulong[(capacity + 63) >> 6];

    /// <summary>The XOR of a fixed pseudo-random key per member; equal sets have equal hashes.</summary>
    public ulong Hash { get; private set; }

    public void Add(int index)
    {
        _words[index >> 6] |= 1UL << (index & 63);
        Hash ^= KeyOf(index);
    }

    public void Remove(int index)
    {
        _words[index >> 6] &= ~(1UL << (index & 63));
        Hash ^= KeyOf(index);
    }

    /// <summary>The window of words worth storing: [<c>Lead</c>, <c>End</c>), all words before full, all after empty.</summary>
    public (int Lead, int End) Window()
    {
        var lead = 0;
        while (lead < _words.Length && _words[lead] == ulong.MaxValue)
        {
            lead++;
        }

        var end = _words.Length;
        while (end > lead && _words[end - 1] == 0)
        {
            end--;
        }

        return (lead, end);
    }

    /// <summary>A trimmed copy: element 0 is the lead, then the words of the window.</summary>
    public ulong[] Snapshot((int Lead, int End) window)
    {
        var snapshot = new ulong[1 + window.End - window.Lead];
        snapshot[0] = (ulong)window.Lead;
        _words.AsSpan(window.Lead, window.End - window.Lead).CopyTo(snapshot.AsSpan(1));
        return snapshot;
    }

    /// <summary>Whether <paramref name="snapshot"/> was taken of a set with exactly the current members.</summary>
    public bool SameMembers(ulong[] snapshot, (int Lead, int End) window) =>
        snapshot[0] == (ulong)window.Lead
        && snapshot.Length - 1 == window.End - window.Lead
        && _words.AsSpan(window.Lead, window.End - window.Lead).SequenceEqual(snapshot.AsSpan(1));

    private static ulong KeyOf(int index) => Mix.SplitMix64((ulong)index);
}
