using System.Collections.Immutable;
using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Ring;

namespace Actors.Core.Log;

/// <summary>The key-value service's section of a snapshot.</summary>
public sealed record KvSection(ImmutableArray<KvEntry> Entries)
{
    public static readonly KvSection Empty = new(ImmutableArray<KvEntry>.Empty);
}

/// <summary>The sessions' section of a snapshot.</summary>
public sealed record SessionsSection(ImmutableArray<Session> Sessions)
{
    public static readonly SessionsSection Empty = new(ImmutableArray<Session>.Empty);
}

/// <summary>The ring-membership service's section of a snapshot: the ring's version and its members.</summary>
public sealed record RingSection(long Version, ImmutableArray<RingMember> Members)
{
    public static readonly RingSection Empty = new(-1, ImmutableArray<RingMember>.Empty);
}

/// <summary>
/// The whole replicated state after applying every slot up to and including <see cref="AppliedThrough"/> (-1: nothing
/// applied): the log time reached and one section per service. A new service adds a section; a snapshot written before
/// a service existed reads with that service's section empty.
/// </summary>
public sealed record StateSnapshot(long AppliedThrough, long LogTime, KvSection Kv, SessionsSection Sessions, RingSection? Ring = null,
    JournalSection? Journal = null)
{
    public static readonly StateSnapshot Empty = new(-1, 0, KvSection.Empty, SessionsSection.Empty, RingSection.Empty, JournalSection.Empty);
}
