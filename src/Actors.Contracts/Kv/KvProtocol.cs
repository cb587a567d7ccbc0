namespace Actors.Contracts.Kv;

/// <summary>
/// A request to the key-value store, sent to <c>/user/log</c> on any node. Keys are non-empty UTF-8 strings
/// (1 KiB at most by default), values byte arrays (1 MiB at most by default).
/// <para>
/// (<see cref="ClientId"/>, <see cref="Seq"/>) identifies a command: a retry with the same pair is applied at
/// most once and answered with the original reply. A client that sends an empty <see cref="ClientId"/> gets a
/// fresh identity for that one request (no deduplication across its own retries).
/// </para>
/// </summary>
public abstract record KvRequest(string Key, string ClientId, long Seq) : IActorsMessage
{
    /// <summary>
    /// With a client id: the log time the client knew when it first sent this seq (from <see cref="KvReply.LogTime"/>), the
    /// same on every retry of it. The log refuses a command of a client without a session that was issued more than the
    /// session time to live ago (<see cref="KvReplyStatus.SessionExpired"/>), so a copy held that long is never applied as
    /// new. A write with a client id must carry one (never later than the receiving node's log time, which lowers it to its
    /// own); <see cref="IssuedOnArrival"/> asks for the receiving node's log time, for a request sent once to one node.
    /// </summary>
    public long Issued { get; init; }

    /// <summary>
    /// <see cref="Issued"/> for a write sent once, to one node, and never to another (a command of the node's own command
    /// line): the node issues it at its log time when it arrives.
    /// </summary>
    public const long IssuedOnArrival = long.MaxValue;
}

/// <summary>Stores <see cref="Value"/> under the key. Replied with <see cref="KvReplyStatus.Ok"/>.</summary>
public sealed record Put(string Key, byte[] Value, string ClientId = "", long Seq = 0) : KvRequest(Key, ClientId, Seq);

/// <summary>Reads the key linearizably (through the log). Replied with Ok and the value, or NotFound.</summary>
public sealed record Get(string Key, string ClientId = "", long Seq = 0) : KvRequest(Key, ClientId, Seq);

/// <summary>
/// Stores <see cref="NewValue"/> only if the current value equals <see cref="Expected"/> (null: the key is absent).
/// Replied with Ok when swapped, CasFailed with the current value otherwise.
/// </summary>
public sealed record CompareAndSet(string Key, byte[]? Expected, byte[] NewValue, string ClientId = "", long Seq = 0)
    : KvRequest(Key, ClientId, Seq);

/// <summary>Removes the key. Replied with Ok when it existed, NotFound otherwise.</summary>
public sealed record Delete(string Key, string ClientId = "", long Seq = 0) : KvRequest(Key, ClientId, Seq);

/// <summary>How a key-value request ended.</summary>
public enum KvReplyStatus
{
    Ok = 0,
    NotFound = 1,
    CasFailed = 2,

    /// <summary>
    /// This attempt changed nothing: the request was invalid (empty key, oversized value, ...), the state is full, its
    /// (client id, seq) holds another command (that request was never applied), or a newer seq of the client was applied
    /// already (the error says so: an earlier copy of this request may have been applied, and its outcome is no longer kept).
    /// </summary>
    Rejected = 3,

    /// <summary>No answer in time: the command may or may not be applied. Retry with the same (client id, seq).</summary>
    Timeout = 4,

    /// <summary>
    /// The node cannot serve now (no quorum, overloaded, shutting down): this attempt was not queued. An earlier attempt with
    /// the same (client id, seq) may still be applied, so retry with the same pair.
    /// </summary>
    Unavailable = 5,

    /// <summary>
    /// The client has no session and the request was issued more than the session time to live ago: not applied now. A
    /// copy of it may have been applied before the session expired, unless this was the only attempt: <see cref="KvReply.LogTime"/>
    /// is the answering node's log time, to issue the request again with.
    /// </summary>
    SessionExpired = 6,
}

/// <summary>The answer to every <see cref="KvRequest"/>.</summary>
/// <param name="Status">Outcome.</param>
/// <param name="Value">Get: the value; CasFailed: the current value (null when absent).</param>
/// <param name="Error">A message for Rejected, Timeout and Unavailable.</param>
/// <param name="Seq">The <see cref="KvRequest.Seq"/> of the request answered (0 for a request without a client id), so a
/// client can tell the answer to its current request from a late answer to an earlier one.</param>
/// <param name="Leader">The Akka address of the node that leads the cluster as the answering node knows it (such as
/// <c>akka.tcp://actors@127.0.0.1:4053</c>), or null when it knows none. Requests sent to that node's <c>/user/log</c> skip
/// the forward from a follower.</param>
/// <param name="LogTime">The answering node's log time (milliseconds of the leaders' clocks, as the log agreed them), for the
/// client's next <see cref="KvRequest.Issued"/>; 0 from a node of an older version.</param>
public sealed record KvReply(KvReplyStatus Status, byte[]? Value = null, string? Error = null, long Seq = 0, string? Leader = null, long LogTime = 0) : IActorsMessage;
