namespace Actors.Testing.Linearizability;

/// <summary>The verdict of <see cref="LinearizabilityChecker.Check"/>.</summary>
/// <param name="IsLinearizable">
/// True only when a linearization was found for every key. False when some key has none, and also when
/// the search budget ran out before a verdict (see <paramref name="Explanation"/>).
/// </param>
/// <param name="FailingKey">The first key (in ordinal order) without a verdict of linearizable; null on success.</param>
/// <param name="Explanation">A one-paragraph human-readable account of the verdict.</param>
/// <param name="StatesExplored">Distinct search states (set of placed operations, value) visited over all keys checked.</param>
public sealed record CheckResult(bool IsLinearizable, string? FailingKey, string Explanation, long StatesExplored);
