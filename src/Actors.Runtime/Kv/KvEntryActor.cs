using System.Collections.Immutable;
using Actors.Contracts.Kv;
using Actors.Contracts.Status;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Ring;
using Actors.Runtime.Paxos;
using Actors.Runtime.Ring;
using Akka.Actor;

namespace Actors.Runtime.Kv;

/// <summary>
/// <c>/user/kv</c> on every node: validates requests, submits writes to the local proposer (which forwards them
/// to the leader), and answers each client when this node's replica applies its command. Gets stay off the log: the
/// local replica answers them linearizably by read index (<see cref="LinearizableRead"/>). Invalid input is
/// answered <see cref="KvReplyStatus.Rejected"/> and never reaches the log; a command not answered within
/// <c>actors.kv.request-timeout</c> is answered <see cref="KvReplyStatus.Timeout"/>. Every answer names the request's seq
/// and the leader, so clients can send straight to it.
/// </summary>
public sealed class KvEntryActor : ReceiveActor, IWithTimers
{
    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    /// <summary>Sent to itself behind the requests in the mailbox: the writes collected so far go to the proposer.</summary>
    private sealed record FlushWrites
    {
        public static readonly FlushWrites Instance = new();
    }

    private sealed class Waiter(IActorRef replyTo, long requestSeq, LogCommand command, DateTime deadline, DateTime sentAt, bool raw = false)
    {
        /// <summary>Answered with the <see cref="CommandResult"/> itself (a node-local <see cref="SubmitLogOp"/>), not a public reply.</summary>
        public bool Raw { get; } = raw;
        public IActorRef ReplyTo { get; } = replyTo;
        public long RequestSeq { get; } = requestSeq;
        public LogCommand Command { get; } = command;
        public DateTime Deadline { get; } = deadline;
        public DateTime SentAt { get; set; } = sentAt;
    }

    /// <summary>A command not applied after this long is submitted again (the leader may have changed).</summary>
    private static readonly TimeSpan Resubmit = TimeSpan.FromSeconds(1);

    private readonly KvSettings _settings;
    private readonly PaxosTransport _transport;
    private readonly string _ephemeralPrefix;
    /// <summary>
    /// Waiters by (client id, seq). Two requests that share a pair with different commands (two processes configured with one
    /// client id) wait side by side, and each is answered only with the reply to its own command.
    /// </summary>
    private readonly Dictionary<(string, long), List<Waiter>> _waiting = new();
    private readonly ImmutableArray<LogCommand>.Builder _writes = ImmutableArray.CreateBuilder<LogCommand>();
    private long _ephemeralSeq;

    /// <summary>This node's replica's log time, as its last <see cref="AppliedBatch"/> said.</summary>
    private long _logTime;

    public KvEntryActor(KvSettings settings, PaxosTransport transport)
    {
        _settings = settings;
        _transport = transport;
        _ephemeralPrefix = ReplicatedState.EphemeralPrefix + Guid.NewGuid().ToString("N")[..12];

        Receive<KvRequest>(OnRequest);
        Receive<GetNodeStatus>(_ => StatusOf(Context.System, _transport.Settings.Members).PipeTo(Sender));
        Receive<AppliedBatch>(b =>
        {
            if (b.LogTime > _logTime) _logTime = b.LogTime;
            Answer(b.Commands);
        });
        Receive<ReadsAnswered>(r => Answer(r.Reads));
        Receive<CommandsRefused>(r => Answer(r.Commands));
        Receive<Sweep>(_ => Expire());
        Receive<FlushWrites>(_ => Flush());
        Receive<SubmitLogOp>(OnSubmitLogOp);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Commands go to this node's proposer through <paramref name="transport"/> (its live reference once started).</summary>
    public static Props Props(KvSettings settings, PaxosTransport transport) =>
        Akka.Actor.Props.Create(() => new KvEntryActor(settings, transport));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, TimeSpan.FromMilliseconds(200));

    private void OnRequest(KvRequest request)
    {
        // Null values (possible from a hand-made message) are reported by the limits check.
        KvOp? op = request switch
        {
            Put p => new KvPut(request.Key, p.Value),
            Get => new KvGet(request.Key),
            CompareAndSet c => new KvCas(request.Key, c.Expected, c.NewValue),
            Delete => new KvDelete(request.Key),
            _ => null,
        };
        if (op is null)
        {
            Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Rejected, null, $"unknown request {request.GetType().Name}"));
            return;
        }
        var error = _settings.Limits.Validate(op);
        if (error is not null)
        {
            Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Rejected, null, error));
            return;
        }
        if (!string.IsNullOrEmpty(request.ClientId) && ReplicatedState.IsEphemeral(request.ClientId))
        {
            Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Rejected, null, $"client ids must not start with '{ReplicatedState.EphemeralPrefix}'"));
            return;
        }

        if (!string.IsNullOrEmpty(request.ClientId) && request.Seq < 1)
        {
            Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Rejected, null, $"seq must be at least 1 with a client id (got {request.Seq}); send no client id for a single request"));
            return;
        }

#if ACTORS_FAILPOINTS
        if (Failpoints.LocalReads && request is Get)
        {
            var logTime = _logTime;
            Context.System.ActorSelection("/user/paxos/replica")
                .Ask<KvReply>(new ReplicaActor.PeekLocal(request.Key), TimeSpan.FromSeconds(5))
                .ContinueWith(t => t.Result with { LogTime = logTime }, TaskContinuationOptions.OnlyOnRanToCompletion).PipeTo(Sender);
            return;
        }
#endif
        // A write with a client id carries the log time its client knew when it first sent this seq, the same on every retry:
        // the log refuses it once its session may have expired with it (never later than this node's log time). Reads are
        // never refused and single-use ids keep no session: they need none.
        long issued = 0;
        if (!string.IsNullOrEmpty(request.ClientId) && request is not Get)
        {
            if (request.Issued <= 0)
            {
                Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Rejected, null,
                    "a write with a client id must carry Issued: the log time of a reply (KvReply.LogTime) received before its seq was first " +
                    "sent, the same on every retry (ActorsClient does this); send no client id for a single request"));
                return;
            }
            if (_logTime == 0)
            {
                Answer(Sender, request.Seq, new KvReply(KvReplyStatus.Unavailable, null,
                    $"node {_transport.Settings.Self} has not applied a slot yet, so it cannot check the request's issue time; retry"));
                return;
            }
            issued = Math.Min(request.Issued, _logTime);
        }
        var command = string.IsNullOrEmpty(request.ClientId)
            ? new LogCommand(_ephemeralPrefix, ++_ephemeralSeq, op)
            : new LogCommand(request.ClientId, request.Seq, op, issued);
        var now = DateTime.UtcNow;
        Wait(new Waiter(Sender, request.Seq, command, now + _settings.RequestTimeout, now));
        Send([command]);
    }

    /// <summary>Holds <paramref name="waiter"/>; a retry of the same command from the same sender replaces the earlier waiter.</summary>
    private void Wait(Waiter waiter)
    {
        var key = (waiter.Command.ClientId, waiter.Command.Seq);
        if (!_waiting.TryGetValue(key, out var list)) _waiting[key] = list = new(1);
        list.RemoveAll(w => w.ReplyTo.Equals(waiter.ReplyTo) && LogCommand.ContentEquals(w.Command, waiter.Command));
        list.Add(waiter);
    }

    private void OnSubmitLogOp(SubmitLogOp request)
    {
        var command = new LogCommand(_ephemeralPrefix, ++_ephemeralSeq, request.Op);
        var now = DateTime.UtcNow;
        Wait(new Waiter(Sender, 0, command, now + _settings.RequestTimeout, now, raw: true));
        Send([command]);
    }

    private static async Task<NodeStatus> StatusOf(ActorSystem system, IReadOnlyList<string> members)
    {
        var (p, r) = await PaxosStatusQuery.QueryAsync(system);
        return new NodeStatus(p.Self, p.Leader, p.Role.ToString().ToLowerInvariant(), p.Ballot.ToString(), p.FirstUnchosen,
            r.LastApplied, members, p.Leader is { } l && l >= 1 && l <= members.Count ? PaxosSettings.AddressOf(members[l - 1]) : null);
    }

    private void Answer(IReadOnlyList<AppliedCommand> commands)
    {
        if (_waiting.Count == 0) return;
        foreach (var applied in commands)
        {
            var key = (applied.Command.ClientId, applied.Command.Seq);
            if (!_waiting.TryGetValue(key, out var list)) continue;
            // Only the waiters of this very command: another command under the same pair gets its own reply when it is applied.
            foreach (var waiter in list.Where(w => LogCommand.ContentEquals(w.Command, applied.Command)).ToList())
            {
                list.Remove(waiter);
                if (waiter.Raw) waiter.ReplyTo.Tell(applied.Result);
                else Answer(waiter.ReplyTo, waiter.RequestSeq, ToReply(applied.Result));
            }
            if (list.Count == 0) _waiting.Remove(key);
        }
    }

    /// <summary>Answers a client, naming the request's seq and the leader (so the client can go straight to it next time).</summary>
    private void Answer(IActorRef client, long seq, KvReply reply) =>
        client.Tell(reply with { Seq = seq, Leader = _transport.LeaderAddress, LogTime = _logTime });

    private static KvReply ToReply(CommandResult r) => r.Status switch
    {
        CommandStatus.Ok => new KvReply(KvReplyStatus.Ok, r.Value),
        CommandStatus.NotFound => new KvReply(KvReplyStatus.NotFound),
        CommandStatus.CasFailed => new KvReply(KvReplyStatus.CasFailed, r.Value),
        CommandStatus.Overloaded => new KvReply(KvReplyStatus.Unavailable, null, r.Error),
        CommandStatus.SessionExpired => new KvReply(KvReplyStatus.SessionExpired, null, r.Error),
        _ => new KvReply(KvReplyStatus.Rejected, null, r.Error),
    };

    /// <summary>Reads to the local replica (off the log), writes to the local proposer (on their way to the leader).</summary>
    /// <remarks>
    /// Writes are collected and handed to the proposer in one <see cref="Submit"/> once every request already in the
    /// mailbox is handled (a marker sent to itself), so a burst of requests costs the proposer one step, not one each.
    /// </remarks>
    private void Send(IReadOnlyCollection<LogCommand> commands)
    {
        var self = _transport.Settings.Self;
        foreach (var c in commands)
        {
            if (ReplicatedState.IsRead(c.Op))
            {
                _transport.Send(new Outbound(self, PaxosRole.Replica, new LinearizableRead(c)));
                continue;
            }
            _writes.Add(c);
            if (_writes.Count > 1) continue; // the marker is on its way
            Self.Tell(FlushWrites.Instance);
        }
    }

    private void Flush()
    {
        if (_writes.Count == 0) return;
        _transport.Send(new Outbound(_transport.Settings.Self, PaxosRole.Proposer, new Submit(_writes.ToImmutable(), 0)));
        _writes.Clear();
    }

    private void Expire()
    {
        if (_waiting.Count == 0) return;
        var now = DateTime.UtcNow;
        List<Waiter>? expired = null;
        List<LogCommand>? again = null;
        foreach (var list in _waiting.Values)
        foreach (var w in list)
        {
            if (w.Deadline <= now)
            {
                (expired ??= new()).Add(w);
            }
            else if (now - w.SentAt >= Resubmit && (ReplicatedState.IsRead(w.Command.Op) || w.Command.Op.Idempotent || !ReplicatedState.IsEphemeral(w.Command.ClientId)))
            {
                // Safe to repeat: a read changes nothing, ring and journal operations are idempotent, and the state machine applies a
                // (client id, seq) once. Writes with single-use ids are not repeated: nothing would stop a second copy. A proposer
                // holds one copy of a command however often it is resubmitted.
                w.SentAt = now;
                (again ??= new()).Add(w.Command);
            }
        }
        if (again is not null) Send(again);
        if (expired is null) return;
        foreach (var w in expired)
        {
            var key = (w.Command.ClientId, w.Command.Seq);
            if (_waiting.TryGetValue(key, out var list) && list.Remove(w) && list.Count == 0) _waiting.Remove(key);
            if (w.Raw)
            {
                w.ReplyTo.Tell(new CommandResult(CommandStatus.Timeout, null,
                    $"not applied within {_settings.RequestTimeout.TotalSeconds:0.#}s (no leader or no quorum?); it may still be applied"));
                continue;
            }
            Answer(w.ReplyTo, w.RequestSeq, new KvReply(KvReplyStatus.Timeout, null,
                $"not applied within {_settings.RequestTimeout.TotalSeconds:0.#}s (no leader or no quorum?); it may still be applied: retry with the same client id and seq"));
        }
    }
}
