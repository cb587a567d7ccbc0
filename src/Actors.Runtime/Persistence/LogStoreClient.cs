using Actors.Core.Journal;
using Actors.Core.Log;
using Actors.Runtime.Paxos;
using Actors.Runtime.Ring;
using Akka.Actor;
using Akka.Configuration;

namespace Actors.Runtime.Persistence;

/// <summary>
/// What the log-backed journal and snapshot store share: writes go through the log (<c>/user/log</c>, as a
/// <see cref="SubmitLogOp"/>), reads take a read barrier and then read the local replica, and payloads are serialized
/// with the serializer Akka binds to their type.
/// </summary>
internal sealed class LogStoreClient(ActorSystem system, Config pluginConfig)
{
    /// <summary>The highest slot a read barrier of this client named so far (long.MinValue: none yet).</summary>
    private long _lastBarrier = long.MinValue;

    public TimeSpan Timeout { get; } = pluginConfig.GetTimeSpan("request-timeout", TimeSpan.FromSeconds(15), allowInfinite: false);

    /// <summary>The largest operation this node's transport carries: its frame less the room kept for a message's fields.</summary>
    private readonly long _maxOperationBytes =
        (system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000) - PaxosSettings.FrameOverhead;

    /// <summary>
    /// Why <paramref name="op"/> cannot go through the log, or null: over the journal's limits (checked again where the
    /// log applies it), or larger than this node's transport frame, so that no message could carry it.
    /// </summary>
    public string? Refuse(JournalOp op)
    {
        if (JournalLimits.Validate(op) is { } error) return error;
        var size = JournalCodec.Size(op);
        return size > _maxOperationBytes
            ? $"journal: an operation of {size} encoded bytes does not fit akka.remote.dot-netty.tcp.maximum-frame-size less {PaxosSettings.FrameOverhead} bytes ({_maxOperationBytes})"
            : null;
    }

    /// <summary>
    /// Puts <paramref name="op"/> through the log and returns its result, which is Ok: a refusal throws
    /// <see cref="InvalidOperationException"/> with the log's reason, and an operation not applied in time throws
    /// <see cref="TimeoutException"/>.
    /// </summary>
    public async Task<CommandResult> SubmitAsync(LogOp op)
    {
        CommandResult result;
        try
        {
            result = await system.ActorSelection("/user/log").Ask<CommandResult>(new SubmitLogOp(op), Timeout);
        }
        catch (AskTimeoutException)
        {
            throw new TimeoutException($"{op.GetType().Name} not answered within {Timeout.TotalSeconds:0.#}s (is /user/log running on this node?)");
        }
        return result.Status switch
        {
            CommandStatus.Ok => result,
            CommandStatus.Timeout or CommandStatus.Overloaded => throw new TimeoutException($"{op.GetType().Name}: {result.Error}"),
            _ => throw new InvalidOperationException(result.Error ?? result.Status.ToString()),
        };
    }

    /// <summary>
    /// Evaluates <paramref name="query"/> on the local replica once it has applied every slot chosen before this call
    /// (a read barrier by read index, whose slot the replica must have applied when it answers, even if it restarted in
    /// between): a linearizable read of the log's state. With <paramref name="fresh"/> false the highest barrier this
    /// client took so far is enough (no new barrier): for a read that follows one which took a barrier after the reader's
    /// operation began, as a replay follows the read of the highest sequence number. A query that fails throws; a replica
    /// behind the barrier is asked again with a new one until the request timeout.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<ReplicatedState, T> query, bool fresh = true)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var slot = Interlocked.Read(ref _lastBarrier);
        if (fresh || slot == long.MinValue) slot = await Barrier();
        while (true)
        {
            try
            {
                var answer = await system.ActorSelection("/user/paxos/replica").Ask<QueryAnswer>(new QueryLocal(slot, s => query(s)), Timeout);
                return (T)answer.Value!;
            }
            catch (AskTimeoutException)
            {
                throw new TimeoutException($"the local replica did not answer within {Timeout.TotalSeconds:0.#}s");
            }
            catch (ReplicaBehindException) when (DateTime.UtcNow < deadline)
            {
                // The replica restarted from an older snapshot since the barrier was taken: take a new one.
                slot = await Barrier();
            }
        }
    }

    /// <summary>Takes a read barrier and returns the slot it names, remembered as the highest one taken.</summary>
    private async Task<long> Barrier()
    {
        var slot = ReplicatedState.BarrierSlot(await SubmitAsync(ReadBarrier.Instance));
        long seen;
        while (slot > (seen = Interlocked.Read(ref _lastBarrier)) && Interlocked.CompareExchange(ref _lastBarrier, slot, seen) != seen)
        {
        }
        return slot;
    }

    /// <summary>The serializer id, manifest and bytes of <paramref name="payload"/>.</summary>
    public (int SerializerId, string Manifest, byte[] Bytes) Serialize(object payload)
    {
        var serializer = system.Serialization.FindSerializerFor(payload);
        return (serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, payload), serializer.ToBinary(payload));
    }

    public object Deserialize(byte[] bytes, int serializerId, string manifest) =>
        system.Serialization.Deserialize(bytes, serializerId, manifest);
}
