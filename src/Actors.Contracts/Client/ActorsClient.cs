using System.Collections.Concurrent;
using System.Collections.Immutable;
using Actors.Contracts.Kv;
using Actors.Contracts.Status;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace Actors.Contracts.Client;

/// <summary>
/// Talks to an Actors cluster from an ActorSystem that is not a member of it (its provider must be
/// <c>remote</c>). The first requests go through <see cref="ClusterClient"/> to the receptionist of one of the contact
/// points and on to <c>/user/log</c>; every reply names the leader, and from then on requests go straight to the
/// leader's <c>/user/log</c> over Akka.Remote (no receptionist, no forward from a follower). An attempt the leader does not
/// answer goes back through the cluster client, which moves to another contact point when one is lost, and the next
/// reply names the new leader.
/// <para>
/// Every call runs in a session: a client id and increasing sequence numbers, one command at a time. An
/// unanswered attempt is sent again with the same (client id, seq), so a retried write is applied once and
/// answered with its original reply. Concurrent calls use separate sessions; each session is a long-lived actor, so
/// replies go to one stable address and a late reply to an earlier request is told apart by its seq.
/// </para>
/// </summary>
public sealed class ActorsClient : IAsyncDisposable
{
    private readonly IActorRef _clusterClient;
    private readonly ActorSystem _system;
    private readonly ActorsClientOptions _options;
    private readonly string _prefix = "client-" + Guid.NewGuid().ToString("N")[..16];
    private readonly ConcurrentBag<Session> _idle = new();
    private readonly ConcurrentQueue<IActorRef> _sessionActors = new();
    private readonly LeaderRoute _leader;
    private int _sessions;

    /// <summary>The highest log time a node told this client (<see cref="KvReply.LogTime"/>): the issue time of its next writes.</summary>
    private long _logTime;

    /// <summary>When <see cref="_logTime"/> last grew (<see cref="Environment.TickCount64"/>, ms).</summary>
    private long _logTimeLearnedAt;

    /// <summary>A key no one writes: reading it learns a node's log time and changes nothing.</summary>
    private const string ProbeKey = "\u0000actors-client-probe";

    /// <summary>Reissues of one write whose every issue was sent once and refused as expired (so never applied).</summary>
    private const int MaxReissues = 3;

    private long _sessionExpiredReplies;
    private long _reissues;

    /// <summary>
    /// Replies so far that refused a request of this client as issued before its session expired
    /// (<see cref="KvReplyStatus.SessionExpired"/>); each was either issued again (<see cref="Reissues"/>) or thrown as an
    /// <see cref="ActorsSessionExpiredException"/>.
    /// </summary>
    public long SessionExpiredReplies => Interlocked.Read(ref _sessionExpiredReplies);

    /// <summary>Writes issued again at a newer log time after a <see cref="KvReplyStatus.SessionExpired"/> refusal of their only copy.</summary>
    public long Reissues => Interlocked.Read(ref _reissues);

    private sealed class Session(string clientId, IActorRef actor, SessionActor.Waiting waiting)
    {
        public string ClientId { get; } = clientId;
        public IActorRef Actor { get; } = actor;
        public SessionActor.Waiting Waiting { get; } = waiting;
        public long Seq;
    }

    private ActorsClient(ActorSystem system, IActorRef clusterClient, ActorsClientOptions options)
    {
        _system = system;
        _clusterClient = clusterClient;
        _options = options;
        _leader = new LeaderRoute(system, options.ServicePath);
    }

    /// <summary>The Akka address of the leader requests go straight to, or null while they go through the contact points.</summary>
    public string? Leader => _leader.Address;

    /// <summary>
    /// Creates the client and waits until one contact point answers.
    /// </summary>
    /// <param name="system">A non-member ActorSystem with the remote provider and the Actors serializers.</param>
    /// <param name="contactPoints">Node addresses such as <c>akka.tcp://actors@127.0.0.1:4053</c>.</param>
    /// <param name="options">Timeouts; <see cref="ActorsClientOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Abandons the first contact.</param>
    /// <exception cref="ArgumentException">No contact point, or one that is not an Akka address.</exception>
    /// <exception cref="ActorsUnavailableException">No contact point answered within the request timeout.</exception>
    public static async Task<ActorsClient> ConnectAsync(ActorSystem system, IEnumerable<string> contactPoints,
        ActorsClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ActorsClientOptions.Default;
        var contacts = contactPoints.Select(c =>
        {
            try
            {
                return ActorPath.Parse($"{Address.Parse(c.TrimEnd('/'))}/system/receptionist");
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
            {
                throw new ArgumentException($"'{c}' is not an Akka address such as akka.tcp://actors@127.0.0.1:4053", nameof(contactPoints), e);
            }
        }).ToImmutableHashSet();
        if (contacts.IsEmpty) throw new ArgumentException("at least one contact point is needed", nameof(contactPoints));

        var settings = ClusterClientSettings.Create(system).WithInitialContacts(contacts);
        var clusterClient = system.ActorOf(ClusterClient.Props(settings), "actors-client-" + Guid.NewGuid().ToString("N")[..8]);
        var client = new ActorsClient(system, clusterClient, options);
        try
        {
            // Any answer proves a route to the entry point; a read of a key that cannot exist changes nothing.
            await client.SendAsync(new Get(ProbeKey), cancellationToken);
        }
        catch (ActorsClientException e)
        {
            await client.DisposeAsync();
            throw new ActorsUnavailableException($"no contact point answered: {e.Message}");
        }
        return client;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public async Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) =>
        Expect(await SendAsync(new Put(key, value), cancellationToken), KvReplyStatus.Ok);

    /// <summary>The value of <paramref name="key"/>, or null when it is absent. Linearizable.</summary>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new Get(key), cancellationToken);
        return reply.Status == KvReplyStatus.NotFound ? null : Expect(reply, KvReplyStatus.Ok).Value;
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="next"/> if it holds <paramref name="expected"/> (null: absent); true when it swapped.</summary>
    public async Task<bool> CompareAndSetAsync(string key, byte[]? expected, byte[] next, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new CompareAndSet(key, expected, next), cancellationToken);
        if (reply.Status == KvReplyStatus.CasFailed) return false;
        Expect(reply, KvReplyStatus.Ok);
        return true;
    }

    /// <summary>Removes <paramref name="key"/>; true when it existed.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync(new Delete(key), cancellationToken);
        if (reply.Status == KvReplyStatus.NotFound) return false;
        Expect(reply, KvReplyStatus.Ok);
        return true;
    }

    /// <summary>The consensus status of whichever node the client is connected to.</summary>
    /// <exception cref="ActorsTimeoutException">No node answered within the request timeout.</exception>
    public async Task<NodeStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _clusterClient.Ask<NodeStatus>(new ClusterClient.Send(_options.ServicePath, GetNodeStatus.Instance),
                _options.RequestTimeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            throw new ActorsTimeoutException($"no status within {_options.RequestTimeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> to an entity of the sharded entity type <paramref name="typeName"/> (its shard region
    /// on the node this client is connected to, <c>/system/sharding/{typeName}</c>, which routes it to the entity wherever
    /// the ring places it) and returns the reply. The message must implement <see cref="Sharding.IEntityMessage"/> (or be an
    /// Akka <c>ShardingEnvelope</c>) and have a serializer both systems know. Sent once: repeat it only if the entity treats
    /// a repeat as the same request.
    /// </summary>
    /// <exception cref="ActorsTimeoutException">No reply within the request timeout.</exception>
    public async Task<TReply> AskEntityAsync<TReply>(string typeName, object message, CancellationToken cancellationToken = default)
        where TReply : class
    {
        if (string.IsNullOrWhiteSpace(typeName)) throw new ArgumentException("an entity type needs a name", nameof(typeName));
        ArgumentNullException.ThrowIfNull(message);
        return await AskEntityOnce<TReply>(typeName, message, _options.RequestTimeout, cancellationToken)
            ?? throw new ActorsTimeoutException($"{message.GetType().Name} to a {typeName} entity not answered within {_options.RequestTimeout.TotalSeconds:0.#}s");
    }

    /// <summary>One attempt: the reply, or null when none came within <paramref name="timeout"/>.</summary>
    private async Task<TReply?> AskEntityOnce<TReply>(string typeName, object message, TimeSpan timeout, CancellationToken cancellationToken)
        where TReply : class
    {
        try
        {
            return await _clusterClient.Ask<TReply>(new ClusterClient.Send("/system/sharding/" + Uri.EscapeDataString(typeName), message, localAffinity: true),
                timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the built-in counter <paramref name="counterId"/> and returns its value. Attempts that
    /// go unanswered (the counter's shard may be moving) are repeated with the same <paramref name="requestId"/> until the
    /// request timeout, so the add is applied once; pass the same id again to retry it yourself.
    /// </summary>
    /// <exception cref="ActorsRejectedException">The counter refused the add (an overflow, an empty request id).</exception>
    /// <exception cref="ActorsTimeoutException">No answer within the request timeout; the add was applied at most once.</exception>
    public async Task<long> CounterAddAsync(string counterId, long delta, string? requestId = null, CancellationToken cancellationToken = default)
    {
        var reply = await AskCounter(new Counter.CounterAdd(counterId, delta, requestId ?? Guid.NewGuid().ToString("N")), cancellationToken);
        return reply.Value;
    }

    /// <summary>The value of the built-in counter <paramref name="counterId"/> (0 when never added to).</summary>
    public async Task<long> CounterGetAsync(string counterId, CancellationToken cancellationToken = default) =>
        (await AskCounter(new Counter.CounterGet(counterId), cancellationToken)).Value;

    private async Task<Counter.CounterReply> AskCounter(Counter.CounterMessage message, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(message.CounterId)) throw new ArgumentException("a counter id must not be empty", nameof(message));
        var deadline = DateTime.UtcNow + _options.RequestTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
                throw new ActorsTimeoutException($"counter {message.CounterId} not answered within {_options.RequestTimeout.TotalSeconds:0.#}s; an add was applied at most once");
            var attempt = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
            // Unanswered: the same request id next time, and the counter applies it once.
            if (await AskEntityOnce<Counter.CounterReply>("counter", message, attempt, cancellationToken) is not { } reply) continue;
            if (reply.Error is { } error) throw new ActorsRejectedException(error);
            return reply;
        }
    }

    /// <summary>
    /// Sends any key-value request in a session of this client (its client id and seq are replaced) and returns
    /// the reply; Timeout and Unavailable replies are retried until the request timeout.
    /// </summary>
    public async Task<KvReply> SendAsync(KvRequest request, CancellationToken cancellationToken = default)
    {
        if (request is not (Put or Get or CompareAndSet or Delete))
            throw new ArgumentException($"unknown request {request.GetType().Name}", nameof(request));
        var deadline = DateTime.UtcNow + _options.RequestTimeout;
        // A write is issued at a log time this client learned lately (reads are never refused and need none).
        if (request is not Get) await FreshLogTime(deadline, cancellationToken);
        var session = Rent();
        var seq = ++session.Seq;
        // A copy of the same record type, the same on every retry of this seq.
        var message = request with { ClientId = session.ClientId, Seq = seq, Issued = request is Get ? 0 : Interlocked.Read(ref _logTime) };
        var lastProblem = "no answer";
        var attempts = 0;
        var reissues = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero) break;
                var attempt = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
                var leader = _leader.Target;
                attempts++;
                var reply = leader is not null
                    ? await SessionActor.SendAsync(session.Actor, session.Waiting, leader, message, seq, attempt, cancellationToken)
                    : await SessionActor.SendAsync(session.Actor, session.Waiting, _clusterClient, new ClusterClient.Send(_options.ServicePath, message),
                        seq, attempt, cancellationToken);
                if (reply is null)
                {
                    lastProblem = $"no answer within {attempt.TotalSeconds:0.#}s";
                    // The leader may be gone: the next attempt goes through the contact points.
                    if (leader is not null) _leader.Forget(leader);
                    continue;
                }
                if (_options.StraightToLeader) _leader.Observe(reply.Leader);
                LearnLogTime(reply.LogTime);
                if (reply.Status == KvReplyStatus.SessionExpired)
                {
                    Interlocked.Increment(ref _sessionExpiredReplies);
                    // Sent once at this issue time, the request was never applied (its one copy was refused, and every later
                    // copy of it would be): issue it again at the latest log time known. Sent more than once, an earlier copy may
                    // have been applied before the session expired.
                    if (attempts > 1 || reissues >= MaxReissues)
                        throw new ActorsSessionExpiredException(
                            $"{request.GetType().Name} of '{request.Key}': {reply.Error ?? "session expired"}; it was sent {attempts} times at this issue time and may have been applied");
                    reissues++;
                    Interlocked.Increment(ref _reissues);
                    attempts = 0;
                    message = message with { Issued = Math.Max(reply.LogTime, Interlocked.Read(ref _logTime)) };
                    continue;
                }
                if (reply.Status is KvReplyStatus.Timeout or KvReplyStatus.Unavailable)
                {
                    lastProblem = reply.Error ?? reply.Status.ToString();
                    continue;
                }
                return reply;
            }
        }
        finally
        {
            _idle.Add(session);
        }
        throw new ActorsTimeoutException(
            $"{request.GetType().Name} of '{request.Key}' not answered within {_options.RequestTimeout.TotalSeconds:0.#}s ({lastProblem}); it was applied at most once");
    }

    private void LearnLogTime(long logTime)
    {
        var known = Interlocked.Read(ref _logTime);
        while (logTime > known)
        {
            var seen = Interlocked.CompareExchange(ref _logTime, logTime, known);
            if (seen == known)
            {
                Interlocked.Exchange(ref _logTimeLearnedAt, Environment.TickCount64);
                return;
            }
            known = seen;
        }
    }

    /// <summary>
    /// Makes sure a node told this client the log's time within <see cref="ActorsClientOptions.LogTimeRefresh"/>, reading
    /// the probe key until one answers with a time (a new log has none until its first slot, within a second of its first
    /// leader).
    /// </summary>
    private async Task FreshLogTime(DateTime deadline, CancellationToken cancellationToken)
    {
        while (Interlocked.Read(ref _logTime) == 0
               || Environment.TickCount64 - Interlocked.Read(ref _logTimeLearnedAt) > (long)_options.LogTimeRefresh.TotalMilliseconds)
        {
            var before = Interlocked.Read(ref _logTime);
            await SendAsync(new Get(ProbeKey), cancellationToken);
            if (Interlocked.Read(ref _logTime) > before) return;
            // The answering node knew no later time: log time moves with the leader's stamps (an idle leader stamps once a second).
            if (DateTime.UtcNow >= deadline) return;
            if (before > 0) Interlocked.Exchange(ref _logTimeLearnedAt, Environment.TickCount64);
            else await Task.Delay(200, cancellationToken);
        }
    }

    private Session Rent()
    {
        if (_idle.TryTake(out var s)) return s;
        var n = Interlocked.Increment(ref _sessions);
        var waiting = new SessionActor.Waiting();
        var actor = _system.ActorOf(SessionActor.Props(waiting), $"{_prefix}-{n}");
        _sessionActors.Enqueue(actor);
        return new Session($"{_prefix}-{n}", actor, waiting);
    }

    private static KvReply Expect(KvReply reply, KvReplyStatus expected)
    {
        if (reply.Status == expected) return reply;
        if (reply.Status == KvReplyStatus.Rejected) throw new ActorsRejectedException(reply.Error ?? "rejected");
        throw new ActorsUnavailableException(reply.Error ?? reply.Status.ToString());
    }

    public ValueTask DisposeAsync()
    {
        _system.Stop(_clusterClient);
        while (_sessionActors.TryDequeue(out var session)) _system.Stop(session);
        return ValueTask.CompletedTask;
    }
}
