using System.Collections.Immutable;
using Actors.Contracts.Kv;
using Actors.Contracts.Status;
using Actors.Core.Kv;
using Actors.Core.Log;
using Actors.Core.Paxos;
using Actors.Core.Ring;
using Actors.Runtime.Kv;
using Actors.Runtime.Paxos;
using Actors.Runtime.Ring;
using Akka.Actor;

namespace Actors.Runtime.Entry;

/// <summary>
/// <c>/user/log</c> on every node, the entry point of every service on the log (also reached as <c>/user/kv</c>, the
/// path clients used before, through <see cref="EntryAlias"/>): validates requests, submits writes to the local proposer
/// (which forwards them to the leader), and answers each client when this node's replica applies its command. Key-value
/// requests come from clients; operations of any service come from the node itself (<see cref="SubmitLogOp"/>). Gets stay off the log: the
/// local replica answers them linearizably by read index (<see cref="LinearizableRead"/>). Invalid input is
/// answered <see cref="KvReplyStatus.Rejected"/> and never reaches the log; a command not answered within
/// <c>actors.kv.request-timeout</c> is answered <see cref="KvReplyStatus.Timeout"/>. Every answer names the request's seq
/// and the leader, so clients can send straight to it.
/// </summary>
public sealed class LogEntryActor : ReceiveActor, IWithTimers
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

    /// <summary>How often the entry's sweep ticks its waiters.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A command not applied after this long is submitted again (the leader may have changed).</summary>
    private static readonly TimeSpan Resubmit = TimeSpan.FromSeconds(1);

    private readonly KvSettings _settings;
    private readonly PaxosTransport _transport;
    private readonly string _ephemeralPrefix;
    /// <summary>The requests waiting for their commands, and the policy of resubmits and timeouts (<see cref="EntryWaiters{TRequester}"/>).</summary>
    private readonly EntryWaiters<IActorRef> _waiting;
    /// <summary>Writes on their way to the local proposer, in one submit per burst (no size bound: it is a local message).</summary>
    private readonly SubmitBatcher _writes = new(long.MaxValue);
    private long _ephemeralSeq;

    /// <summary>This node's replica's log time, as its last <see cref="AppliedBatch"/> said.</summary>
    private long _logTime;

    public LogEntryActor(KvSettings settings, PaxosTransport transport)
    {
        _settings = settings;
        _transport = transport;
        _ephemeralPrefix = ReplicatedState.EphemeralPrefix + Guid.NewGuid().ToString("N")[..12];
        _waiting = new EntryWaiters<IActorRef>(Ticks(settings.RequestTimeout), Ticks(Resubmit));

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
        Akka.Actor.Props.Create(() => new LogEntryActor(settings, transport));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, SweepInterval);

    /// <summary>Sweeps in <paramref name="time"/>, at least one.</summary>
    private static long Ticks(TimeSpan time) => Math.Max(1, (long)Math.Ceiling(time / SweepInterval));

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
            ? LogCommand.Of(_ephemeralPrefix, ++_ephemeralSeq, op)
            : LogCommand.Of(request.ClientId, request.Seq, op, issued);
        _waiting.Wait(Sender, request.Seq, command, op);
        Send(command, op.IsRead);
    }

    private void OnSubmitLogOp(SubmitLogOp request)
    {
        var command = LogCommand.Of(_ephemeralPrefix, ++_ephemeralSeq, request.Op);
        _waiting.Wait(Sender, 0, command, request.Op, raw: true);
        Send(command, request.Op.IsRead);
    }

    private static async Task<NodeStatus> StatusOf(ActorSystem system, IReadOnlyList<string> members)
    {
        var (p, r) = await PaxosStatusQuery.QueryAsync(system);
        return new NodeStatus(p.Self, p.Leader, p.Role.ToString().ToLowerInvariant(), p.Ballot.ToString(), p.FirstUnchosen,
            r.LastApplied, members, p.Leader is { } l && l >= 1 && l <= members.Count ? PaxosSettings.AddressOf(members[l - 1]) : null);
    }

    private void Answer(IReadOnlyList<AppliedCommand> commands)
    {
        foreach (var applied in commands)
        foreach (var waiter in _waiting.Answered(applied.Command))
        {
            if (waiter.Raw) waiter.Requester.Tell(applied.Result);
            else Answer(waiter.Requester, waiter.RequestSeq, ToReply(applied.Result));
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
    private void Send(LogCommand command, bool read)
    {
        if (read)
        {
            _transport.Send(new Outbound(_transport.Settings.Self, PaxosRole.Replica, new LinearizableRead(command)));
            return;
        }
        if (_writes.Add(_transport.Settings.Self, 0, [command])) Self.Tell(FlushWrites.Instance);
    }

    private void Flush()
    {
        foreach (var o in _writes.Flush()) _transport.Send(o);
    }

    private void Expire()
    {
        var (again, expired) = _waiting.Tick();
        foreach (var w in again) Send(w.Command, w.Op.IsRead);
        foreach (var w in expired)
        {
            if (w.Raw)
            {
                w.Requester.Tell(new CommandResult(CommandStatus.Timeout, null,
                    $"not applied within {_settings.RequestTimeout.TotalSeconds:0.#}s (no leader or no quorum?); it may still be applied"));
                continue;
            }
            Answer(w.Requester, w.RequestSeq, new KvReply(KvReplyStatus.Timeout, null,
                $"not applied within {_settings.RequestTimeout.TotalSeconds:0.#}s (no leader or no quorum?); it may still be applied: retry with the same client id and seq"));
        }
    }
}
