using Actors.Core.Log;
using Actors.Runtime.Paxos;
using Actors.Runtime.Ring;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace Actors.Runtime.Persistence;

/// <summary>
/// What the log-backed journal and snapshot store share: writes go through the log (<c>/user/kv</c>, as a
/// <see cref="SubmitLogOp"/>), reads take a read barrier and then read the local replica, and payloads are serialized
/// with the serializer Akka binds to their type.
/// </summary>
internal sealed class LogStoreClient(ActorSystem system, Config pluginConfig)
{
    public TimeSpan Timeout { get; } = pluginConfig.GetTimeSpan("request-timeout", TimeSpan.FromSeconds(15), allowInfinite: false);

    /// <summary>Puts <paramref name="op"/> through the log and returns how it was applied; throws when it was not applied in time.</summary>
    public async Task<CommandResult> SubmitAsync(LogOp op)
    {
        CommandResult result;
        try
        {
            result = await system.ActorSelection("/user/kv").Ask<CommandResult>(new SubmitLogOp(op), Timeout);
        }
        catch (AskTimeoutException)
        {
            throw new TimeoutException($"{op.GetType().Name} not answered within {Timeout.TotalSeconds:0.#}s (is /user/kv running on this node?)");
        }
        if (result.Status == CommandStatus.Timeout)
            throw new TimeoutException($"{op.GetType().Name}: {result.Error}");
        return result;
    }

    /// <summary>
    /// Evaluates <paramref name="query"/> on the local replica once it has applied every slot chosen before this call
    /// (a read barrier by read index, whose slot the replica must have applied when it answers, even if it restarted in
    /// between): a linearizable read of the log's state.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<ReplicatedState, T> query) where T : notnull
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var barrier = await SubmitAsync(ReadBarrier.Instance);
            var slot = ReplicatedState.BarrierSlot(barrier);
            if (barrier.Status != CommandStatus.Ok)
                throw new InvalidOperationException($"read barrier refused: {barrier.Error ?? barrier.Status.ToString()}");
            try
            {
                return await system.ActorSelection("/user/paxos/replica").Ask<T>(new QueryLocal(slot, s => query(s)), Timeout);
            }
            catch (AskTimeoutException)
            {
                throw new TimeoutException($"the local replica did not answer within {Timeout.TotalSeconds:0.#}s");
            }
            catch (ReplicaBehindException) when (DateTime.UtcNow < deadline)
            {
                // The replica restarted from an older snapshot between the barrier and the query: take a new barrier.
            }
        }
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
