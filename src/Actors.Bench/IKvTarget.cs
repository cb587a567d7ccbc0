namespace Actors.Bench;

/// <summary>
/// A system under test: it is started, then driven by closed-loop clients at several concurrencies and workloads, then
/// stopped. <see cref="TearDownAsync"/> is called whenever <see cref="SetUpAsync"/> was called, even when it failed or
/// was cancelled, and must stop everything set-up started.
/// </summary>
public interface IKvTarget
{
    /// <summary>Name in progress lines.</summary>
    string Name { get; }

    /// <summary>
    /// The ways clients reach this system, each measured as its own row of the table (for Actors the raw messages to the
    /// nodes and ActorsClient; one for the others).
    /// </summary>
    IReadOnlyList<string> Series { get; }

    /// <summary>True when the system takes the workloads' reads and writes; false for a transport baseline that only echoes.</summary>
    bool HasWorkloads { get; }

    /// <summary>Starts the system and returns once it has acknowledged one write.</summary>
    Task SetUpAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The request loop of client <paramref name="index"/> of one measurement point of <paramref name="series"/>: each call
    /// sends one request of <paramref name="workload"/> and completes when it is answered. A call may throw; the runner
    /// counts that as an error.
    /// </summary>
    Func<CancellationToken, Task<OpOutcome>> CreateClient(string series, int index, WorkloadKind workload);

    /// <summary>Stops everything <see cref="SetUpAsync"/> started. Never throws for an already stopped system.</summary>
    Task TearDownAsync();
}
