using System.Runtime.Serialization;
using System.Text;

namespace Actors.Contracts.Serialization;

/// <summary>
/// Reads the compact binary wire format written by <see cref="WireWriter"/>. Every read is bounds-checked:
/// truncated or malformed input throws <see cref="SerializationException"/>, never something worse.
/// </summary>
public ref struct WireReader(ReadOnlySpan<byte> data)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;

    /// <summary>Largest byte array or string the reader accepts (a little over 16 MiB).</summary>
    public const int MaxLength = 16 * 1024 * 1024 + 1024;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > _data.Length)
            throw new SerializationException($"malformed message: needs {n} more bytes at offset {_pos} of {_data.Length}");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public byte ReadByte() => Take(1)[0];

    public bool ReadBool() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new SerializationException($"malformed message: {b} is not a boolean"),
    };

    public int ReadInt() => BitConverter.ToInt32(Take(4));

    public long ReadLong() => BitConverter.ToInt64(Take(8));

    /// <summary>A non-negative count, checked against what the remaining bytes can hold.</summary>
    public int ReadCount(int minBytesPerItem = 1)
    {
        var n = ReadInt();
        if (n < 0 || (long)n * Math.Max(1, minBytesPerItem) > _data.Length - _pos)
            throw new SerializationException($"malformed message: count {n} exceeds the message");
        return n;
    }

    public byte[]? ReadBytesOrNull() => ReadLength() is { } n ? Take(n).ToArray() : null;

    public byte[] ReadBytes() => ReadBytesOrNull() ?? throw new SerializationException("malformed message: missing bytes");

    public string? ReadStringOrNull()
    {
        if (ReadLength() is not { } n) return null;
        try
        {
            return StrictUtf8.GetString(Take(n));
        }
        catch (DecoderFallbackException e)
        {
            throw new SerializationException("malformed message: invalid UTF-8", e);
        }
    }

    public string ReadString() => ReadStringOrNull() ?? throw new SerializationException("malformed message: missing string");

    /// <summary>The length prefix of a byte array or string; null for the null marker -1.</summary>
    private int? ReadLength()
    {
        var n = ReadInt();
        if (n == -1) return null;
        if (n < -1 || n > MaxLength) throw new SerializationException($"malformed message: length {n}");
        return n;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _pos;

    /// <summary>The bytes consumed from <paramref name="from"/> (an earlier <see cref="Position"/>) up to here.</summary>
    public readonly ReadOnlySpan<byte> ConsumedSince(int from) => _data[from.._pos];

    /// <summary>True when every byte was consumed (an optional trailing field is absent).</summary>
    public readonly bool AtEnd => _pos == _data.Length;

    /// <summary>Throws unless every byte was consumed.</summary>
    public void End()
    {
        if (_pos != _data.Length)
            throw new SerializationException($"malformed message: {_data.Length - _pos} trailing bytes");
    }
}
