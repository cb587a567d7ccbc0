using Actors.Contracts.Kv;
using Akka.Actor;

namespace Actors.Bench;

/// <summary>
/// Baseline: ping-pong between two actor systems in this process over Akka.Remote on loopback. Clients ask a
/// <see cref="PongActor"/> in the other system with a small <see cref="Contracts.Kv.Get"/> and await its <see cref="KvReply"/>,
/// both carried by the project's string-manifest serializer. No consensus and no disk: this is what the transport
/// alone can do.
/// </summary>
public sealed class AkkaRemoteTarget : IKvTarget
{
    private ActorSystem? _pongSystem;
    private ActorSystem? _pingSystem;
    private IActorRef _pong = ActorRefs.Nobody;

    public string Name => "akka-remote";

    public IReadOnlyList<string> Series { get; } = ["akka-remote"];

    public bool HasWorkloads => false;

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        _pongSystem = ActorSystem.Create("pong", BenchAkkaConfig.Remote);
        _pongSystem.ActorOf(PongActor.Props(), "pong");
        _pingSystem = ActorSystem.Create("ping", BenchAkkaConfig.Remote);

        var address = ((ExtendedActorSystem)_pongSystem).Provider.DefaultAddress;
        _pong = await _pingSystem.ActorSelection(new RootActorPath(address) / "user" / "pong")
            .ResolveOne(TimeSpan.FromSeconds(10), cancellationToken);
        var reply = await _pong.Ask<KvReply>(new Get("bench-0"), BenchOptions.RequestTimeout, cancellationToken);
        if (reply.Status != KvReplyStatus.Ok) throw new InvalidOperationException($"pong answered {reply.Status}");
    }

    public Func<CancellationToken, Task<OpOutcome>> CreateClient(string series, int index, WorkloadKind workload)
    {
        var pong = _pong!;
        var ping = new Get("bench-" + index);
        var client = _pingSystem!.ActorOf(ClientActor.Props(), $"client-{index}-{Guid.NewGuid():N}");
        return async ct =>
        {
            var reply = await ClientActor.SendAsync(client, pong, ping, BenchOptions.RequestTimeout, ct);
            return reply is null ? OpOutcome.Timeout : reply.Status == KvReplyStatus.Ok ? OpOutcome.Ok : OpOutcome.Error;
        };
    }

    public async Task TearDownAsync()
    {
        await Task.WhenAll(new[] { _pingSystem, _pongSystem }.OfType<ActorSystem>().Select(s => s.Terminate()));
        _pingSystem = _pongSystem = null;
    }
}
