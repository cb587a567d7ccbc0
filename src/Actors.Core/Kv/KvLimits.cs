using System.Text;

namespace Actors.Core.Kv;

/// <summary>Size limits on keys and values (actors.kv.max-key-bytes, actors.kv.max-value-bytes).</summary>
public sealed record KvLimits(int MaxKeyBytes, int MaxValueBytes)
{
    /// <summary>1 KiB keys, 1 MiB values.</summary>
    public static readonly KvLimits Default = new(1024, 1024 * 1024);

    /// <summary>Returns null when <paramref name="op"/> is within the limits, else a message saying what is wrong.</summary>
    public string? Validate(KvOp op)
    {
        if (string.IsNullOrEmpty(op.Key))
            return "key must not be empty";
        var keyBytes = Encoding.UTF8.GetByteCount(op.Key);
        if (keyBytes > MaxKeyBytes)
            return $"key is {keyBytes} bytes; the limit is {MaxKeyBytes} (actors.kv.max-key-bytes)";
        switch (op)
        {
            case KvPut put when put.Value is null:
                return "value must not be null";
            case KvPut put when put.Value.Length > MaxValueBytes:
                return $"value is {put.Value.Length} bytes; the limit is {MaxValueBytes} (actors.kv.max-value-bytes)";
            case KvCas cas when cas.NewValue is null:
                return "new value must not be null";
            case KvCas cas when cas.NewValue.Length > MaxValueBytes || (cas.Expected?.Length ?? 0) > MaxValueBytes:
                return $"value is over the limit of {MaxValueBytes} bytes (actors.kv.max-value-bytes)";
        }
        return null;
    }
}
