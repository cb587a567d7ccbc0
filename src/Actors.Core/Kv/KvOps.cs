using Actors.Core.Log;

namespace Actors.Core.Kv;

/// <summary>An operation on the key-value service.</summary>
public abstract record KvOp(string Key) : LogOp
{
    public override int Service => KvStateMachine.ServiceId;

    public override byte[] Encode() => KvCodec.Encode(this);

    protected internal override void Digest(DigestFields fields) => fields.String(Key);
}

/// <summary>Sets <see cref="KvOp.Key"/> to <see cref="Value"/>.</summary>
public sealed record KvPut(string Key, byte[] Value) : KvOp(Key)
{
    public override byte Kind => 1;

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
