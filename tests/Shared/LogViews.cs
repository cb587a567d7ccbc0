using Actors.Core.Journal;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Ring;

namespace Actors.Tests.Shared;

/// <summary>
/// The log's bytes as the built-in services read them, for tests: the operation a command carries, the sections of a
/// snapshot, and a snapshot made of sections.
/// </summary>
internal static class LogViews
{
    private static readonly ReplicatedState Reader = new(LogRules.Default);

    public static LogOp Decoded(this LogCommand command) => Reader.Operation(command);

    extension(StateSnapshot s)
    {
        public KvSection Kv => KvSection.Decode(s.Section(KvStateMachine.ServiceId));

        public SessionsSection Sessions => SessionsSection.Decode(s.Section(ReplicatedState.SessionsSectionId));

        public RingSection? Ring => s.Section(RingStateMachine.ServiceId) is { } x ? RingSection.Decode(x) : null;

        public JournalSection? Journal => s.Section(JournalStateMachine.ServiceId) is { } x ? JournalSection.Decode(x) : null;
    }

    /// <summary>A snapshot of these sections, in the order the replicated state writes them.</summary>
    public static StateSnapshot Snapshot(long appliedThrough, long logTime, KvSection kv, SessionsSection sessions, RingSection? ring = null,
        JournalSection? journal = null) =>
        new(appliedThrough, logTime, [sessions.Encode(), kv.Encode(), .. ring is null ? [] : new[] { ring.Encode() }, .. journal is null ? [] : new[] { journal.Encode() }]);
}
