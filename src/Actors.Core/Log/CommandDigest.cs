using System.IO.Hashing;
using System.Text;

namespace Actors.Core.Log;

/// <summary>
/// A stable 64-bit digest (XxHash64) of an operation's service (for services after the first four), kind (<see cref="LogOp.Kind"/>) and fields (written by the
/// operation itself, <see cref="LogOp.Digest"/>); equal on every node and version. Sessions keep it to tell a retry from
/// another command under the same (client id, seq), in every snapshot: it must never change for an operation.
/// </summary>
public static class CommandDigest
{
    public static ulong Of(LogOp op)
    {
        var h = new XxHash64();
        // The first services' kinds are unique among them (1 to 13) and their digests are kept in snapshots as they are;
        // a later service's kinds start at 1 again, so its id goes in too.
        if (op.Service > BarrierService.ServiceId)
        {
            Span<byte> service = stackalloc byte[4];
            BitConverter.TryWriteBytes(service, op.Service);
            h.Append(service);
        }
        Span<byte> kind = [op.Kind];
        h.Append(kind);
        op.Digest(new DigestFields(h));
        return h.GetCurrentHashAsUInt64();
    }

    /// <summary>A digest of a command's encoded operation (its service and bytes), for the consensus, which never reads one.</summary>
    public static ulong OfEncoding(LogCommand c)
    {
        var h = new XxHash64();
        Span<byte> service = stackalloc byte[4];
        BitConverter.TryWriteBytes(service, c.Service);
        h.Append(service);
        h.Append(c.Op);
        return h.GetCurrentHashAsUInt64();
    }
}

/// <summary>
/// The fields of an operation as its digest takes them: each length-prefixed (-1 for null), so that no two different
/// field lists hash the same bytes; numbers as their little-endian bytes.
/// </summary>
public readonly struct DigestFields
{
    private readonly XxHash64 _hash;

    internal DigestFields(XxHash64 hash) => _hash = hash;

    public void Bytes(byte[]? bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes?.Length ?? -1);
        _hash.Append(length);
        if (bytes is not null) _hash.Append(bytes);
    }

    public void String(string s) => Bytes(Encoding.UTF8.GetBytes(s));

    public void Int(int value) => Bytes(BitConverter.GetBytes(value));

    public void Long(long value) => Bytes(BitConverter.GetBytes(value));

    public void Double(double value) => Bytes(BitConverter.GetBytes(value));
}
