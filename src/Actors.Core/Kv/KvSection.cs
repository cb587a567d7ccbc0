using System.Collections.Immutable;
using Actors.Core.Log;

namespace Actors.Core.Kv;

/// <summary>The key-value service's section of a snapshot, as the service reads it.</summary>
public sealed record KvSection(ImmutableArray<KvEntry> Entries)
{
    public static readonly KvSection Empty = new(ImmutableArray<KvEntry>.Empty);

    /// <summary>The format this version writes (kv.proto: a sequence of length-delimited entries).</summary>
    public const int Format = 1;

    public ServiceSection Encode() =>
        LogFormat.Section(KvStateMachine.ServiceId, Format, Entries, e => new Schema.Entry { Key = e.Key, Value = LogFormat.Wrap(e.Value) });

    /// <exception cref="LogFormatException">A format this version does not know, or malformed bytes.</exception>
    public static KvSection Decode(ServiceSection? section) =>
        new([.. LogFormat.Items<KvEntry, Schema.Entry>(section, Format, "kv", e => new KvEntry(e.Key, e.Value.ToByteArray()))]);
}
