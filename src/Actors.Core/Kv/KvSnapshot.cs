using System.Collections.Immutable;

namespace Actors.Core.Kv;

/// <summary>One key and its value in a snapshot.</summary>
public sealed record KvEntry(string Key, byte[] Value);

/// <summary>The latest command of one client and its reply, kept so a retry is answered, not re-applied.</summary>
public sealed record KvSession(string ClientId, long Seq, KvResult Result);

/// <summary>
/// The whole state machine after applying every slot up to and including <see cref="AppliedThrough"/>
/// (-1: nothing applied).
/// </summary>
public sealed record KvSnapshot(long AppliedThrough, ImmutableArray<KvEntry> Entries, ImmutableArray<KvSession> Sessions)
{
    public static readonly KvSnapshot Empty = new(-1, ImmutableArray<KvEntry>.Empty, ImmutableArray<KvSession>.Empty);
}
