namespace Actors.Bench;

/// <summary>
/// What every client writes: a key drawn uniformly from a fixed key space and a fresh random value of a fixed
/// size. Thread-safe: clients of all systems draw from it concurrently.
/// </summary>
public sealed class Workload(int keys, int valueBytes)
{
    /// <summary>A uniformly random key <c>bench-n</c> with 0 ≤ n &lt; the key count.</summary>
    public string RandomKey() => "bench-" + Random.Shared.Next(keys);

    /// <summary>A new array of random bytes of the configured size.</summary>
    public byte[] NewValue()
    {
        var value = new byte[valueBytes];
        Random.Shared.NextBytes(value);
        return value;
    }
}
