using System.Buffers;
using System.Text;

namespace Actors.Contracts.Serialization;

/// <summary>Writes the compact little-endian binary wire format read by <see cref="WireReader"/>.</summary>
public sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WireWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public WireWriter Byte(byte b)
    {
        _buffer.GetSpan(1)[0] = b;
        _buffer.Advance(1);
        return this;
    }

    public WireWriter Bool(bool b) => Byte(b ? (byte)1 : (byte)0);

    public WireWriter Int(int v)
    {
        BitConverter.TryWriteBytes(_buffer.GetSpan(4), v);
        _buffer.Advance(4);
        return this;
    }

    public WireWriter Long(long v)
    {
        BitConverter.TryWriteBytes(_buffer.GetSpan(8), v);
        _buffer.Advance(8);
        return this;
    }

    /// <summary>A length-prefixed byte array; null is written as length -1.</summary>
    public WireWriter Bytes(ReadOnlySpan<byte> b)
    {
        Int(b.Length);
        b.CopyTo(_buffer.GetSpan(b.Length));
        _buffer.Advance(b.Length);
        return this;
    }

    /// <summary>Bytes as they are, with no length prefix: a part encoded before (by this format).</summary>
    public WireWriter Raw(ReadOnlySpan<byte> b)
    {
        b.CopyTo(_buffer.GetSpan(b.Length));
        _buffer.Advance(b.Length);
        return this;
    }

    public WireWriter Bytes(byte[]? b) => b is null ? Int(-1) : Bytes(b.AsSpan());

    public WireWriter String(string? s)
    {
        if (s is null) return Int(-1);
        var n = Encoding.UTF8.GetByteCount(s);
        Int(n);
        Encoding.UTF8.GetBytes(s, _buffer.GetSpan(n));
        _buffer.Advance(n);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
