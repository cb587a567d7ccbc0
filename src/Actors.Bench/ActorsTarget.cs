using System.Diagnostics;
using Actors.Contracts.Client;
using Actors.Contracts.Kv;
using Actors.Testing.Processes;
using Akka.Actor;

namespace Actors.Bench;

/// <summary>
/// The system under test: a local three-node Actors cluster started and stopped with <c>scripts/local-cluster.sh</c>,
/// reached from a separate actor system of this process (plain Akka.Remote, not a cluster member) in two ways, each a
/// series of its own:
/// <list type="bullet">
/// <item><c>actors</c> (path <c>direct</c>): each closed-loop client is a long-lived actor that sends the public messages
/// with its own client id and consecutive sequence numbers to <c>/user/log</c> of the nodes, spread round-robin at first
/// and then to the leader that replies name (<see cref="LeaderRoute"/>), as any application sending raw messages would.</item>
/// <item><c>actors-client</c> (path <c>client</c>): one <see cref="ActorsClient"/> shared by every closed-loop client,
/// concurrent calls, as an application uses it.</item>
/// </list>
/// A write succeeds on <see cref="KvReplyStatus.Ok"/>, a read on Ok or NotFound.
/// </summary>
public sealed class ActorsTarget(BenchOptions options, Workload workload) : IKvTarget
{
    private const int Nodes = 3;
    private static readonly TimeSpan FirstPutTimeout = TimeSpan.FromSeconds(60);

    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly List<IActorRef> _nodes = [];
    private ActorSystem? _system;
    private LocalClusterProcess? _cluster;
    private ActorsClient? _client;
    private LeaderRoute? _route;
    private int _clientsCreated;

    /// <summary>The latest log time a reply named: the issue time of the direct clients' writes (as ActorsClient issues them).</summary>
    private long _logTime;

    public string Name => "actors";

    public IReadOnlyList<string> Series { get; } =
        options.Paths.Select(p => p == "client" ? "actors-client" : "actors").ToList();

    public bool HasWorkloads => true;

    private string DataDir => Path.Combine(options.WorkDir, "actors");

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        // Kept until tear-down even when the start fails: a failed start may still leave nodes running.
        _cluster = new LocalClusterProcess(new LocalClusterOptions
        {
            RemoteBase = options.RemoteBase,
            CmdBase = options.CmdBase,
            DataDir = DataDir,
            EchoPrefix = "  [cluster] ",
        });
        var started = await _cluster.Start(Nodes);
        if (started.ExitCode != 0) throw new InvalidOperationException($"local-cluster.sh start exited with {started.ExitCode}; see {DataDir}/node-*/node.log");
        cancellationToken.ThrowIfCancellationRequested();

        _system = ActorSystem.Create("bench", BenchAkkaConfig.Remote);
        _route = new LeaderRoute(_system, "/user/log");
        foreach (var address in _cluster.ContactPoints(Nodes))
            _nodes.Add(await _system.ActorSelection(address + "/user/log").ResolveOne(TimeSpan.FromSeconds(10), cancellationToken));
        await FirstPutAsync(cancellationToken);
        if (Series.Contains("actors-client"))
        {
            _client = await ActorsClient.ConnectAsync(_system, _cluster.ContactPoints(Nodes), cancellationToken: cancellationToken);
            // Replies name the leader; a few reads give the client time to resolve it, as an application's first requests do.
            for (var i = 0; i < 50 && _client.Leader is null; i++) await _client.GetAsync(workload.RandomKey(), cancellationToken);
            Console.WriteLine($"  actors-client: requests go {(_client.Leader is { } l ? "straight to the leader, " + l : "through the contact points")}");
        }
    }

    public Func<CancellationToken, Task<OpOutcome>> CreateClient(string series, int index, WorkloadKind kind) =>
        series == "actors-client" ? ThroughClient(kind) : Direct(index, kind);

    private Func<CancellationToken, Task<OpOutcome>> Direct(int index, WorkloadKind kind)
    {
        var node = _nodes[index % _nodes.Count];
        var route = _route!;
        var n = Interlocked.Increment(ref _clientsCreated);
        var clientId = $"bench-{_runId}-{n}";
        var client = _system!.ActorOf(ClientActor.Props(), $"client-{n}");
        long seq = 0;
        return async ct =>
        {
            KvRequest request = Workload.NextIsRead(kind)
                ? new Get(workload.RandomKey(), clientId, ++seq)
                : new Put(workload.RandomKey(), workload.NewValue(), clientId, ++seq) { Issued = Interlocked.Read(ref _logTime) };
            var leader = route.Target;
            var reply = await ClientActor.SendAsync(client, leader ?? node, request, BenchOptions.RequestTimeout, ct);
            // A timed-out request is followed by the next one with a new seq; the node deduplicates per seq.
            if (reply is null)
            {
                if (leader is not null) route.Forget(leader);
                return OpOutcome.Timeout;
            }
            route.Observe(reply.Leader);
            for (var known = Interlocked.Read(ref _logTime); reply.LogTime > known; known = Interlocked.Read(ref _logTime))
                if (Interlocked.CompareExchange(ref _logTime, reply.LogTime, known) == known) break;
            return Classify(request, reply);
        };
    }

    private Func<CancellationToken, Task<OpOutcome>> ThroughClient(WorkloadKind kind)
    {
        var client = _client ?? throw new InvalidOperationException("the client path was not set up");
        return async ct =>
        {
            try
            {
                if (Workload.NextIsRead(kind)) await client.GetAsync(workload.RandomKey(), ct);
                else await client.PutAsync(workload.RandomKey(), workload.NewValue(), ct);
                return OpOutcome.Ok;
            }
            catch (ActorsTimeoutException)
            {
                return OpOutcome.Timeout;
            }
        };
    }

    public async Task TearDownAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }
        if (_system is not null)
        {
            await _system.Terminate();
            _system = null;
        }
        _nodes.Clear();
        if (_cluster is not null)
        {
            var stopped = await _cluster.Stop();
            if (stopped.ExitCode != 0) Console.Error.WriteLine($"actors: local-cluster.sh stop exited with {stopped.ExitCode}");
            await _cluster.DisposeAsync(); // kills by PID whatever the script could not stop
            _cluster = null;
        }
    }

    private static OpOutcome Classify(KvRequest request, KvReply reply) => reply.Status switch
    {
        KvReplyStatus.Ok => OpOutcome.Ok,
        KvReplyStatus.NotFound when request is Get => OpOutcome.Ok,
        KvReplyStatus.Timeout => OpOutcome.Timeout,
        _ => OpOutcome.Error,
    };

    // The cluster has a leader once local-cluster.sh start returns; a put can still meet a leader that is
    // finishing phase 1, so retry until one is acknowledged.
    private async Task FirstPutAsync(CancellationToken cancellationToken)
    {
        var op = Direct(0, WorkloadKind.Write);
        var deadline = Stopwatch.GetTimestamp() + (long)(FirstPutTimeout.TotalSeconds * Stopwatch.Frequency);
        var last = OpOutcome.Error;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                last = await op(cancellationToken);
                if (last == OpOutcome.Ok) return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                last = OpOutcome.Error;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        throw new TimeoutException($"no put acknowledged within {FirstPutTimeout.TotalSeconds:0} s (last: {last})");
    }
}
