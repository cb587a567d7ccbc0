using Actors.Core.Log;
using Actors.Core.Ring.Schema;
using Google.Protobuf;

namespace Actors.Core.Ring;

/// <summary>The ring service's operations as the log carries them (ring.proto).</summary>
public static class RingCodec
{
    public static byte[] Encode(RingOp op) => (op switch
    {
        RingJoin j => new RingOperation { Join = new Join { Node = j.Node, Address = j.Address, Weight = j.Weight } },
        RingLeave l => new RingOperation { Leave = new Leave { Node = l.Node } },
        RingDrain d => new RingOperation { Drain = new Drain { Node = d.Node } },
        RingWeight w => new RingOperation { Weight = new Weight { Node = w.Node, Weight_ = w.Weight } },
        _ => throw new ArgumentException($"ring: no encoding for {op.GetType().Name}"),
    }).ToByteArray();

    /// <exception cref="LogFormatException">The bytes are not a ring operation this version knows.</exception>
    public static RingOp Decode(ReadOnlySpan<byte> bytes)
    {
        var m = LogFormatException.Parse<RingOperation>(bytes, "ring");
        return m.OpCase switch
        {
            RingOperation.OpOneofCase.Join => new RingJoin(m.Join.Node, m.Join.Address, m.Join.Weight),
            RingOperation.OpOneofCase.Leave => new RingLeave(m.Leave.Node),
            RingOperation.OpOneofCase.Drain => new RingDrain(m.Drain.Node),
            RingOperation.OpOneofCase.Weight => new RingWeight(m.Weight.Node, m.Weight.Weight_),
            _ => throw LogFormatException.NoOperation("ring"),
        };
    }
}
