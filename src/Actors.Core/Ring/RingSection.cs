using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Ring;

/// <summary>The ring-membership service's section of a snapshot: the ring's version and its members.</summary>
public sealed record RingSection(long Version, ImmutableArray<RingMember> Members)
{
    public static readonly RingSection Empty = new(-1, ImmutableArray<RingMember>.Empty);

    /// <summary>The format this version writes (ring.proto: one Section message).</summary>
    public const int Format = 1;

    public ServiceSection Encode()
    {
        var m = new Schema.Section { Version = Version };
        foreach (var x in Members)
            m.Members.Add(new Schema.Member { Node = x.Node, Address = x.Address, Weight = x.Weight, Status = (int)x.Status });
        return new(RingStateMachine.ServiceId, Format, Google.Protobuf.MessageExtensions.ToByteArray(m));
    }

    /// <exception cref="LogFormatException">A format this version does not know, or malformed bytes.</exception>
    public static RingSection Decode(ServiceSection? section)
    {
        if (section is null) return Empty;
        LogFormat.Expect(section, Format, "ring");
        var m = LogFormatException.Parse<Schema.Section>(section.Bytes, "ring");
        var members = ImmutableArray.CreateBuilder<RingMember>(m.Members.Count);
        foreach (var x in m.Members)
        {
            if (!Enum.IsDefined(typeof(RingMemberStatus), x.Status))
                throw new LogFormatException($"ring: unknown member status {x.Status} (written by a newer version? upgrade this node)", newer: true);
            members.Add(new RingMember(x.Node, x.Address, x.Weight, (RingMemberStatus)x.Status));
        }
        return new(m.Version, members.MoveToImmutable());
    }
}
