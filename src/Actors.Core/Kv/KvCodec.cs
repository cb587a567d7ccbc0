using Actors.Core.Kv.Schema;
using Actors.Core.Log;
using Google.Protobuf;

namespace Actors.Core.Kv;

/// <summary>The key-value service's operations as the log carries them (kv.proto).</summary>
public static class KvCodec
{
    public static byte[] Encode(KvOp op) => (op switch
    {
        KvPut p => new KvOperation { Put = new Put { Key = p.Key, Value = LogFormat.Wrap(p.Value) } },
        KvGet g => new KvOperation { Get = new Get { Key = g.Key } },
        KvCas c => new KvOperation { Cas = Cas(c) },
        KvDelete d => new KvOperation { Delete = new Delete { Key = d.Key } },
        _ => throw new ArgumentException($"kv: no encoding for {op.GetType().Name}"),
    }).ToByteArray();

    /// <exception cref="LogFormatException">The bytes are not a key-value operation this version knows.</exception>
    public static KvOp Decode(ReadOnlySpan<byte> bytes)
    {
        var m = LogFormatException.Parse<KvOperation>(bytes, "kv");
        return m.OpCase switch
        {
            KvOperation.OpOneofCase.Put => new KvPut(m.Put.Key, m.Put.Value.ToByteArray()),
            KvOperation.OpOneofCase.Get => new KvGet(m.Get.Key),
            KvOperation.OpOneofCase.Cas => new KvCas(m.Cas.Key, m.Cas.HasExpected ? m.Cas.Expected.ToByteArray() : null, m.Cas.NewValue.ToByteArray()),
            KvOperation.OpOneofCase.Delete => new KvDelete(m.Delete.Key),
            _ => throw LogFormatException.NoOperation("kv"),
        };
    }

    private static Cas Cas(KvCas c)
    {
        var cas = new Cas { Key = c.Key, NewValue = LogFormat.Wrap(c.NewValue) };
        if (c.Expected is not null) cas.Expected = LogFormat.Wrap(c.Expected);
        return cas;
    }
}
