namespace Actors.Testing.Linearizability;

/// <summary>
/// An operation of one key's history reduced to what the search needs, with values interned to
/// integers (0 is "missing") so that model states compare and hash cheaply.
/// </summary>
internal readonly record struct PreparedOp(
    KvOperation Source,
    bool Determinate,
    int ValueId,
    int ExpectedId,
    int OutputId)
{
    /// <summary>Whether the operation sets the value without reading it (Put, Delete).</summary>
    public bool IsBlindWrite => Source.Kind is KvOpKind.Put or KvOpKind.Delete;

    /// <summary>Whether the operation is determinate and leaves the value unchanged (Get, Cas that did not swap).</summary>
    public bool IsDeterminateRead =>
        Determinate && (Source.Kind == KvOpKind.Get || (Source.Kind == KvOpKind.Cas && !Source.Swapped));

    /// <summary>
    /// The value id this operation must see to take effect with its recorded result, or -1 when it
    /// does not read (Put, Delete) or can follow any value (a Cas that did not swap).
    /// </summary>
    public int ReadsValue => Source.Kind switch
    {
        KvOpKind.Get => OutputId,
        KvOpKind.Cas when !Determinate || Source.Swapped => ExpectedId,
        _ => -1,
    };

    /// <summary>Whether applying the operation sets the value (Put, Delete, a Cas that swaps).</summary>
    public bool ChangesValue => Source.Kind switch
    {
        KvOpKind.Put or KvOpKind.Delete => true,
        KvOpKind.Cas => !Determinate || Source.Swapped,
        _ => false,
    };

    /// <summary>
    /// The value id this operation must not see (a determinate Cas that did not swap: its expected
    /// value), or -1.
    /// </summary>
    public int RefusesValue => Determinate && Source.Kind == KvOpKind.Cas && !Source.Swapped ? ExpectedId : -1;

    /// <summary>
    /// Applies the operation to <paramref name="state"/>; false when the recorded result is impossible
    /// from that state.
    /// </summary>
    /// <remarks>
    /// An indeterminate Cas is only ever applied as a successful swap: a failed swap leaves the value
    /// unchanged, which is the same as the operation never taking effect, and the search already allows
    /// indeterminate operations to be left out.
    /// </remarks>
    public bool TryApply(int state, out int next)
    {
        switch (Source.Kind)
        {
            case KvOpKind.Put:
                next = ValueId;
                return true;
            case KvOpKind.Delete:
                next = 0;
                return true;
            case KvOpKind.Get:
                next = state;
                return state == OutputId;
            case KvOpKind.Cas when !Determinate || Source.Swapped:
                next = ValueId;
                return state == ExpectedId;
            case KvOpKind.Cas:
                next = state;
                return state != ExpectedId;
            default:
                throw new InvalidOperationException($"Unknown operation kind {Source.Kind}.");
        }
    }
}
