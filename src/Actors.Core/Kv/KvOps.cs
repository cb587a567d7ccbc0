using Actors.Core.Log;

namespace Actors.Core.Kv;

/// <summary>An operation on the key-value service.</summary>
public abstract record KvOp(string Key) : LogOp
{
    protected override bool SameContent(LogOp other) => other is KvOp kv && ContentEquals(this, kv);

    /// <summary>The key alone (a put and a cas add their values).</summary>
    public override long EncodedBytes => EncodedSize.String(Key);

    protected internal override void Digest(DigestFields fields) => fields.String(Key);

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
public sealed record KvPut(string Key, byte[] Value) : KvOp(Key)
{
    public override byte Kind => 1;

    public override long EncodedBytes => EncodedSize.String(Key) + EncodedSize.Bytes(Value);

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(Key);
        fields.Bytes(Value);
    }
}

/// <summary>Reads <see cref="KvOp.Key"/> through the log, so the answer is linearizable.</summary>
public sealed record KvGet(string Key) : KvOp(Key)
{
    public override bool IsRead => true;

    public override byte Kind => 2;
}

/// <summary>
/// Sets <see cref="KvOp.Key"/> to <see cref="NewValue"/> only when its current value equals
/// <see cref="Expected"/> byte for byte; a null <see cref="Expected"/> means "the key is absent".
/// </summary>
public sealed record KvCas(string Key, byte[]? Expected, byte[] NewValue) : KvOp(Key)
{
    public override byte Kind => 3;

    public override long EncodedBytes => EncodedSize.String(Key) + EncodedSize.Bytes(Expected) + EncodedSize.Bytes(NewValue);

    protected internal override void Digest(DigestFields fields)
    {
        fields.String(Key);
        fields.Bytes(Expected);
        fields.Bytes(NewValue);
    }
}

/// <summary>Removes <see cref="KvOp.Key"/>.</summary>
public sealed record KvDelete(string Key) : KvOp(Key)
{
    public override byte Kind => 4;
}
