namespace Actors.Core.Log;

/// <summary>
/// The requests an entry point (a node's <c>/user/log</c>) holds until this node's replica applies or answers their
/// commands: which waiter a reply goes to, when a command is submitted again, and when a waiter is told it timed out.
/// Pure and driven by ticks (the entry's sweep), so the policy is tested without clocks.
/// <list type="bullet">
/// <item>Waiters are held by (client id, seq) and matched by command content: two requests that share a pair with
/// different commands (two processes configured with one client id) each get the reply to their own command only.</item>
/// <item>A retry of the same command from the same requester replaces its earlier waiter.</item>
/// <item>A command unanswered for <c>resubmitTicks</c> whole ticks is submitted again when that is safe: a read changes nothing,
/// idempotent operations may repeat, and the log applies a (client id, seq) once. A write with a single-use id is never
/// repeated: nothing would stop a second copy.</item>
/// <item>A waiter unanswered for <c>timeoutTicks</c> whole ticks is removed and reported as timed out (its command may still
/// apply). Whole ticks: a request held between two ticks waits for at least the time the ticks stand for.</item>
/// </list>
/// </summary>
/// <typeparam name="TRequester">Who gets the reply (an actor reference in the node).</typeparam>
public sealed class EntryWaiters<TRequester>(long timeoutTicks, long resubmitTicks) where TRequester : notnull
{
    /// <summary>One held request.</summary>
    /// <param name="requester">Who gets the reply.</param>
    /// <param name="requestSeq">The seq the reply names (the request's own).</param>
    /// <param name="command">The command it waits for.</param>
    /// <param name="op">The command's operation (whether it is a read, whether it may repeat).</param>
    /// <param name="raw">True when the requester takes the <see cref="CommandResult"/> itself, not a public reply.</param>
    /// <param name="deadline">The tick it times out at.</param>
    /// <param name="sentAt">The tick its command was last submitted.</param>
    public sealed class Waiter(TRequester requester, long requestSeq, LogCommand command, LogOp op, bool raw, long deadline, long sentAt)
    {
        public TRequester Requester { get; } = requester;
        public long RequestSeq { get; } = requestSeq;
        public LogCommand Command { get; } = command;
        public LogOp Op { get; } = op;
        public bool Raw { get; } = raw;
        internal long Deadline { get; } = deadline;
        internal long SentAt { get; set; } = sentAt;
    }

    private readonly Dictionary<(string, long), List<Waiter>> _waiting = new();
    private long _now;

    /// <summary>Requests held.</summary>
    public int Count => _waiting.Values.Sum(l => l.Count);

    /// <summary>Holds a request for <paramref name="command"/>, whose operation is <paramref name="op"/>; the caller submits the command.</summary>
    public void Wait(TRequester requester, long requestSeq, LogCommand command, LogOp op, bool raw = false)
    {
        var key = (command.ClientId, command.Seq);
        if (!_waiting.TryGetValue(key, out var list)) _waiting[key] = list = new(1);
        list.RemoveAll(w => w.Requester.Equals(requester) && LogCommand.ContentEquals(w.Command, command));
        // Held between two ticks: the first whole tick interval after it starts at the next tick, so it times out once
        // timeoutTicks whole intervals have passed (never sooner than the time they stand for).
        list.Add(new Waiter(requester, requestSeq, command, op, raw, _now + timeoutTicks + 1, _now));
    }

    /// <summary>
    /// <paramref name="command"/> was applied (or answered, or refused): the waiters of this
    /// very command, which are removed and are to be answered with it.
    /// </summary>
    public IReadOnlyList<Waiter> Answered(LogCommand command)
    {
        var key = (command.ClientId, command.Seq);
        if (!_waiting.TryGetValue(key, out var list)) return [];
        var answered = list.FindAll(w => LogCommand.ContentEquals(w.Command, command));
        if (answered.Count == 0) return [];
        list.RemoveAll(answered.Contains);
        if (list.Count == 0) _waiting.Remove(key);
        return answered;
    }

    /// <summary>One tick of time: the waiters whose commands to submit again and the waiters that timed out (removed, to be answered so).</summary>
    public (IReadOnlyList<Waiter> Again, IReadOnlyList<Waiter> Expired) Tick()
    {
        _now++;
        if (_waiting.Count == 0) return ([], []);
        List<Waiter>? expired = null;
        List<Waiter>? again = null;
        foreach (var list in _waiting.Values)
        foreach (var w in list)
        {
            if (w.Deadline <= _now)
            {
                (expired ??= new()).Add(w);
            }
            else if (_now - w.SentAt > resubmitTicks && (w.Op.IsRead || w.Op.Idempotent || !ReplicatedState.IsEphemeral(w.Command.ClientId)))
            {
                w.SentAt = _now;
                (again ??= new()).Add(w);
            }
        }
        foreach (var w in expired ?? [])
        {
            var key = (w.Command.ClientId, w.Command.Seq);
            if (_waiting.TryGetValue(key, out var list) && list.Remove(w) && list.Count == 0) _waiting.Remove(key);
        }
        return (again ?? [], expired ?? []);
    }
}
