namespace Actors.Core.Paxos;

/// <summary>
/// Group commit for an acceptor's driver: the events of every step handled between two flushes are made durable in one
/// write (one transaction, one fsync), and the replies of those steps leave only once that write is done. A reply of a
/// step that persisted nothing waits too when events of earlier steps are still unwritten, since it may depend on them;
/// with nothing unwritten before it, it leaves at once.
/// <para>
/// The driver schedules a flush marker behind the messages already in its mailbox when <see cref="Add"/> says so, so a
/// group holds every message that was waiting when the first of them was handled. One write runs at a time: steps
/// handled meanwhile form the next group, flushed by a marker scheduled when the write finishes. A write that fails
/// loses its whole group (nothing of it was answered); the driver then restarts from its journal.
/// </para>
/// Deterministic and free of I/O: the driver reports markers and finished writes and does what the answers say.
/// </summary>
public sealed class GroupCommit
{
    private List<IAcceptorEvent> _events = new();
    private List<Outbound> _replies = new();
    private List<Outbound>? _writing;

    /// <summary>True while a flushed group is being written.</summary>
    public bool Writing => _writing is not null;

    /// <summary>True while a flush marker is on its way through the driver's mailbox.</summary>
    public bool FlushScheduled { get; private set; }

    /// <summary>Events of the open group (handled, not yet flushed).</summary>
    public int OpenEvents => _events.Count;

    /// <summary>Replies of the open group waiting for its write.</summary>
    public int OpenReplies => _replies.Count;

    /// <summary>
    /// Adds the effects of one step. Returns the replies that may leave now (<see cref="Effects.SendAtOnce"/>, and the
    /// others only when nothing unwritten precedes them) and whether the driver must schedule a flush marker.
    /// </summary>
    public (IReadOnlyList<Outbound> SendNow, bool ScheduleFlush) Add(Effects fx)
    {
        if (fx.Persist.Count == 0 && _events.Count == 0 && _replies.Count == 0 && !Writing)
            return (fx.SendAtOnce.Count == 0 ? fx.Send : [.. fx.SendAtOnce, .. fx.Send], false);
        _events.AddRange(fx.Persist);
        _replies.AddRange(fx.Send);
        return (fx.SendAtOnce, Schedule());
    }

    /// <summary>
    /// The flush marker arrived: every message that waited behind the first step of the open group has been handled.
    /// Returns the events to write as one group (empty: nothing to write) and the replies that may leave now (those of a
    /// group that persisted nothing).
    /// </summary>
    public (IReadOnlyList<IAcceptorEvent> Write, IReadOnlyList<Outbound> SendNow) OnFlush()
    {
        FlushScheduled = false;
        // A write is running: the open group goes once it is done (OnWritten schedules its marker).
        if (Writing) return ([], []);
        var events = _events;
        var replies = _replies;
        _events = new();
        _replies = new();
        if (events.Count == 0) return ([], replies);
        _writing = replies;
        return (events, []);
    }

    /// <summary>
    /// The group being written is durable: returns the replies it held, and whether the driver must schedule a flush
    /// marker for the steps handled while it was written.
    /// </summary>
    public (IReadOnlyList<Outbound> Send, bool ScheduleFlush) OnWritten()
    {
        var replies = _writing ?? [];
        _writing = null;
        return (replies, Schedule());
    }

    private bool Schedule()
    {
        if (FlushScheduled || Writing || (_events.Count == 0 && _replies.Count == 0)) return false;
        FlushScheduled = true;
        return true;
    }
}
