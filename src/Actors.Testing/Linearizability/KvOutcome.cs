namespace Actors.Testing.Linearizability;

/// <summary>How an operation ended, as observed by the client that issued it.</summary>
public enum KvOutcome
{
    /// <summary>Completed with a result; the operation took effect exactly once between invoke and complete.</summary>
    Ok,

    /// <summary>Definitely not applied (for example rejected); the checker ignores the operation.</summary>
    Failed,

    /// <summary>
    /// Unknown (for example timed out): the operation may have taken effect at any time after its invoke,
    /// or never. Its completion time is treated as +infinity and its output is unconstrained.
    /// </summary>
    Indeterminate,
}
