using System.Text;
using Actors.Core.Paxos;

namespace Actors.Core.Log;

/// <summary>
/// The number of bytes a command takes on the wire and in the acceptors' journal, exactly as the node's serializer
/// writes it (strings and byte arrays prefixed by a 4-byte length, integers fixed-width). Batches, promise pages, catch-up
/// answers and forwarded submits are cut by these sizes, so that every message stays below the transport's frame size
/// whatever the operation carries. The serializer's tests check that it writes exactly these sizes.
/// </summary>
public static class EncodedSize
{
    /// <summary>A length-prefixed UTF-8 string.</summary>
    public static long String(string? s) => 4 + (s is null ? 0 : Encoding.UTF8.GetByteCount(s));

    /// <summary>A length-prefixed byte array.</summary>
    public static long Bytes(byte[]? b) => 4 + (b?.Length ?? 0);

    /// <summary>
    /// Client id, seq, the time the command was issued when set (a tag and 8 bytes), the service's tag and id, and the
    /// operation's bytes with their length.
    /// </summary>
    public static long Of(LogCommand c) => String(c.ClientId) + 8 + (c.Issued != 0 ? 9 : 0) + 1 + 4 + Bytes(c.Op);

    /// <summary>A slot value: its stamp, the command count and the commands.</summary>
    public static long Of(SlotValue v) => 8 + 4 + (v.IsNoOp ? 0 : v.Commands.Sum(Of));
}
