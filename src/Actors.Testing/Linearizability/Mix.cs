namespace Actors.Testing.Linearizability;

/// <summary>Deterministic 64-bit mixing for search-state hashes.</summary>
internal static class Mix
{
    /// <summary>The SplitMix64 finalizer applied to <paramref name="x"/> plus the golden-ratio increment.</summary>
    public static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
