using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Actors.Core.Ring;

/// <summary>
/// The ring's stable 64-bit hashes: XxHash3 of a key's UTF-16 code units in little-endian order (what a .NET string
/// holds, so no encoding step), the same on every node, process and version; never <see cref="string.GetHashCode()"/>,
/// which is randomized per process.
/// </summary>
public static class RingHash
{
    /// <summary>The position of <paramref name="key"/> on the ring.</summary>
    public static ulong Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (BitConverter.IsLittleEndian) return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));
        // A big-endian machine puts the same code units in little-endian order first, so it finds the same positions.
        var bytes = Encoding.Unicode.GetBytes(key);
        return XxHash3.HashToUInt64(bytes);
    }

    /// <summary>The position of virtual node <paramref name="replica"/> of member <paramref name="node"/>.</summary>
    public static ulong OfVirtualNode(int node, int replica)
    {
        Span<byte> pair = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(pair, node);
        BinaryPrimitives.WriteInt32LittleEndian(pair[4..], replica);
        return XxHash3.HashToUInt64(pair, seed: 0x5EED_0F_7A11);
    }
}
