namespace Actors.Testing.Linearizability;

/// <summary>
/// One client operation of a recorded key-value history.
/// </summary>
/// <param name="ClientId">The client that issued it; informational only (used in explanations).</param>
/// <param name="Kind">Which model operation it is.</param>
/// <param name="Key">The key it acts on; histories are checked independently per key.</param>
/// <param name="Value">Put: the value written. Cas: the new value. Otherwise null.</param>
/// <param name="Expected">Cas: the expected current value, null meaning "expect missing". Otherwise null.</param>
/// <param name="Invoke">Monotonic timestamp (any unit, shared by all clients) at invocation.</param>
/// <param name="Complete">
/// Monotonic timestamp at completion; must not be before <paramref name="Invoke"/> unless the outcome is
/// <see cref="KvOutcome.Indeterminate"/>, in which case it is ignored.
/// </param>
/// <param name="Outcome">How the operation ended.</param>
/// <param name="Output">Get: the value read, null meaning missing. Otherwise null.</param>
/// <param name="Swapped">Cas: whether it swapped. Ignored for the other kinds.</param>
/// <remarks>
/// Operation <c>a</c> precedes <c>b</c> in real time exactly when <c>a.Complete &lt; b.Invoke</c>;
/// equal timestamps mean the two operations are concurrent.
/// </remarks>
public sealed record KvOperation(
    int ClientId,
    KvOpKind Kind,
    string Key,
    string? Value,
    string? Expected,
    long Invoke,
    long Complete,
    KvOutcome Outcome,
    string? Output,
    bool Swapped);
