using System.IO.Hashing;
using System.Text;
using Actors.Core.Kv;

namespace Actors.Core.Log;

/// <summary>A stable 64-bit digest (XxHash64) of an operation's kind, key and bytes; equal on every node and version.</summary>
public static class CommandDigest
{
    public static ulong Of(KvOp op)
    {
        var h = new XxHash64();
        Span<byte> kind = [op switch { KvPut => 1, KvGet => 2, KvCas => 3, KvDelete => 4, _ => 0 }];
        h.Append(kind);
        Field(h, Encoding.UTF8.GetBytes(op.Key));
        switch (op)
        {
            case KvPut p:
                Field(h, p.Value);
                break;
            case KvCas c:
                Field(h, c.Expected);
                Field(h, c.NewValue);
                break;
        }
        return h.GetCurrentHashAsUInt64();
    }

    // Length-prefixed, with -1 for null, so that no two different field lists hash the same bytes.
    private static void Field(XxHash64 h, byte[]? bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes?.Length ?? -1);
        h.Append(length);
        if (bytes is not null) h.Append(bytes);
    }
}
