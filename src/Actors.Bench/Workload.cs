namespace Actors.Bench;

/// <summary>What the closed-loop clients of one measurement point do.</summary>
public enum WorkloadKind
{
    /// <summary>Every request writes a random key.</summary>
    Write,

    /// <summary>Every request reads a random key (linearizably, as each system reads by default).</summary>
    Read,

    /// <summary>Half of the requests read, half write, drawn at random per request.</summary>
    Mixed,
}

/// <summary>
/// What every client reads and writes: a key drawn uniformly from a fixed key space and a fresh random value of a fixed
/// size. Thread-safe: clients of all systems draw from it concurrently.
/// </summary>
public sealed class Workload(int keys, int valueBytes)
{
    /// <summary>The names <c>--workload</c> takes, in the default order.</summary>
    public static readonly IReadOnlyList<string> Names = ["write", "read", "mixed"];

    /// <summary>The workload named <paramref name="name"/> (see <see cref="Names"/>).</summary>
    public static WorkloadKind Parse(string name) => name switch
    {
        "write" => WorkloadKind.Write,
        "read" => WorkloadKind.Read,
        "mixed" => WorkloadKind.Mixed,
        _ => throw new ArgumentException($"--workload takes {string.Join(",", Names)}, got '{name}'"),
    };

    /// <summary>The name of <paramref name="kind"/> as printed in the table.</summary>
    public static string NameOf(WorkloadKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>True when the next request of a <paramref name="kind"/> workload is a read.</summary>
    public static bool NextIsRead(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Read => true,
        WorkloadKind.Mixed => Random.Shared.Next(2) == 0,
        _ => false,
    };

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
