namespace Actors.Testing.Linearizability;

/// <summary>The verdict for one key's history.</summary>
/// <param name="Verdict">Linearizable, not linearizable, or undecided because the budget ran out.</param>
/// <param name="Explanation">Why, for the not-linearizable and undecided verdicts; empty otherwise.</param>
/// <param name="StatesExplored">Distinct search states visited for the key.</param>
internal sealed record KeySearchResult(KeyVerdict Verdict, string Explanation, long StatesExplored);
