namespace Actors.Testing.Linearizability;

/// <summary>What the search concluded about one key's history.</summary>
internal enum KeyVerdict
{
    Linearizable,
    NotLinearizable,
    BudgetExceeded,
}
