#if ACTORS_FAILPOINTS
namespace Actors.Runtime;

/// <summary>
/// Deliberate bugs, compiled only into the Failpoints build configuration and switched on by the
/// ACTORS_FAILPOINT environment variable (a comma list), so that the fault harness can show it detects them.
/// </summary>
internal static class Failpoints
{
    private static readonly HashSet<string> Enabled =
        (Environment.GetEnvironmentVariable("ACTORS_FAILPOINT") ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The acceptor sends its promise or accept reply at once and writes the event to its journal only
    /// <see cref="AcceptorPersistDelay"/> later.
    /// </summary>
    public static bool AcceptorRepliesBeforePersisting => Enabled.Contains("acceptor-reply-before-persist");

    /// <summary>
    /// How long acceptor events wait before they are written under <see cref="AcceptorRepliesBeforePersisting"/>: long
    /// enough that a kill of every node always finds acknowledged writes that no journal holds yet (an SQLite write
    /// alone takes a millisecond or two, too short a window to be hit reliably).
    /// </summary>
    public static TimeSpan AcceptorPersistDelay { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets are answered from this node's local state instead of through the log.</summary>
    public static bool LocalReads => Enabled.Contains("local-reads");

    /// <summary>A counter applies an add again when its request id comes again (a client's retry after a lost reply).</summary>
    public static bool CounterAppliesRetries => Enabled.Contains("counter-applies-retries");
}
#endif
