namespace Actors.Core.Kv;

/// <summary>An operation on the key-value state machine.</summary>
public abstract record KvOp(string Key)
{
    /// <summary>True when both operations are of one kind on one key with the same bytes (records compare arrays by reference).</summary>
    public static bool ContentEquals(KvOp a, KvOp b) => (a, b) switch
    {
        (KvPut x, KvPut y) => x.Key == y.Key && Same(x.Value, y.Value),
        (KvGet x, KvGet y) => x.Key == y.Key,
        (KvCas x, KvCas y) => x.Key == y.Key && Same(x.Expected, y.Expected) && Same(x.NewValue, y.NewValue),
        (KvDelete x, KvDelete y) => x.Key == y.Key,
        _ => false,
    };

    private static bool Same(byte[]? x, byte[]? y) =>
        x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);
}

/// <summary>Sets <see cref="KvOp.Key"/> to <see cref="Value"/>.</summary>
public sealed record KvPut(string Key, byte[] Value) : KvOp(Key);

/// <summary>Reads <see cref="KvOp.Key"/> through the log, so the answer is linearizable.</summary>
public sealed record KvGet(string Key) : KvOp(Key);

/// <summary>
/// Sets <see cref="KvOp.Key"/> to <see cref="NewValue"/> only when its current value equals
/// <see cref="Expected"/> byte for byte; a null <see cref="Expected"/> means "the key is absent".
/// </summary>
public sealed record KvCas(string Key, byte[]? Expected, byte[] NewValue) : KvOp(Key);

/// <summary>Removes <see cref="KvOp.Key"/>.</summary>
public sealed record KvDelete(string Key) : KvOp(Key);

/// <summary>
/// A client command as it travels through the log. (<see cref="ClientId"/>, <see cref="Seq"/>) identifies
/// it: a retry carries the same pair and is applied at most once.
/// </summary>
public sealed record KvCommand(string ClientId, long Seq, KvOp Op)
{
    /// <summary>True when both commands have the same client id, sequence number, operation, key and bytes.</summary>
    public static bool ContentEquals(KvCommand a, KvCommand b) =>
        a.ClientId == b.ClientId && a.Seq == b.Seq && KvOp.ContentEquals(a.Op, b.Op);
}

/// <summary>Outcome of a command.</summary>
public enum KvStatus
{
    /// <summary>Applied: put stored, get found, cas swapped, delete removed a key.</summary>
    Ok = 0,

    /// <summary>Get or delete of an absent key.</summary>
    NotFound = 1,

    /// <summary>Cas whose expected value did not match; <see cref="KvResult.Value"/> holds the current value.</summary>
    CasFailed = 2,

    /// <summary>The command was refused; <see cref="KvResult.Error"/> says why. Nothing changed.</summary>
    Rejected = 3,

    /// <summary>A retry of a command older than the client's latest one; its original reply is gone.</summary>
    Stale = 4,
}

/// <summary>The reply to a command; <see cref="Value"/> is the value read (get) or the current value (failed cas).</summary>
public sealed record KvResult(KvStatus Status, byte[]? Value = null, string? Error = null)
{
    public static readonly KvResult Ok = new(KvStatus.Ok);
    public static readonly KvResult NotFound = new(KvStatus.NotFound);
    public static readonly KvResult StaleRetry = new(KvStatus.Stale, null, "a newer command of this client was applied already");
}
