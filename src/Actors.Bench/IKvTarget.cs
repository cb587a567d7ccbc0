namespace Actors.Bench;

/// <summary>
/// A system under test: it is started, then driven by closed-loop clients at several concurrencies, then
/// stopped. <see cref="TearDownAsync"/> is called whenever <see cref="SetUpAsync"/> was called, even when
/// it failed or was cancelled, and must stop everything set-up started.
/// </summary>
public interface IKvTarget
{
    /// <summary>Name in progress lines and the results table.</summary>
    string Name { get; }

    /// <summary>Starts the system and returns once it has acknowledged one write.</summary>
    Task SetUpAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The request loop of client <paramref name="index"/> of one measurement point: each call sends one
    /// request and completes when it is answered. A call may throw; the runner counts that as an error.
    /// </summary>
    Func<CancellationToken, Task<OpOutcome>> CreateClient(int index);

    /// <summary>Stops everything <see cref="SetUpAsync"/> started. Never throws for an already stopped system.</summary>
    Task TearDownAsync();
}
