using System.Collections.Immutable;
using Actors.Contracts.Kv;
using Actors.Runtime.Hosting;
using Actors.Runtime.Paxos;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Support;

/// <summary>
/// Several node ActorSystems in one process, on loopback, each with its own SQLite file. The first
/// <c>acceptors</c> nodes (all by default) are the acceptor members; the others are learners with node id index + 1.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly Config Fast = ConfigurationFactory.ParseString("""
        actors.paxos.tick-interval = 50ms
        actors.paxos.snapshot-every = 20
        actors.kv.request-timeout = 5s
        akka.loglevel = WARNING
        akka.cluster.split-brain-resolver.stable-after = 5s
        """);

    private readonly string _root;
    private readonly int[] _ports;
    private readonly int _acceptors;
    private readonly Func<int, int?> _nodeId;
    private readonly Config _config;

    /// <summary>A local probe system whose TestKit polls conditions across the member systems.</summary>
    private readonly Akka.TestKit.Xunit2.TestKit _kit = new("akka.loglevel = WARNING");

    /// <param name="size">Nodes in the cluster.</param>
    /// <param name="acceptors">How many of them, from the first on, are acceptors (all by default).</param>
    /// <param name="nodeId">actors.paxos.node-id of node i (default: automatic for an acceptor, i + 1 for a learner).</param>
    /// <param name="extra">Settings on top of the fast test settings.</param>
    /// <param name="started">How many nodes, from the first on, start now (all by default); <see cref="Start"/> starts the others.</param>
    public LocalCluster(int size, int? acceptors = null, Func<int, int?>? nodeId = null, Config? extra = null, int? started = null)
    {
        _config = extra is null ? Fast : extra.WithFallback(Fast);
        _root = Path.Combine(Path.GetTempPath(), "actors-tests-" + Guid.NewGuid().ToString("N")[..8]);
        _ports = FreePorts.Take(size);
        _acceptors = acceptors ?? size;
        _nodeId = nodeId ?? (i => i < _acceptors ? null : i + 1);
        Systems = new ActorSystem?[size];
        Nodes = new ActorsNodeRefs?[size];
        for (var i = 0; i < (started ?? size); i++) Start(i);
    }

    public ActorSystem?[] Systems { get; }

    public ActorsNodeRefs?[] Nodes { get; }

    /// <summary>The acceptors' endpoints: nodes 0 to acceptors - 1.</summary>
    public ImmutableArray<string> Members => _ports.Take(_acceptors).Select(p => $"127.0.0.1:{p}").ToImmutableArray();

    /// <summary>The Akka address of node <paramref name="i"/> (its system need not run).</summary>
    public string AddressOf(int i) => PaxosSettings.AddressOf($"127.0.0.1:{_ports[i]}");

    public void Start(int i)
    {
        var options = new NodeOptions
        {
            Port = _ports[i],
            Members = Members,
            Seeds = Members,
            NodeId = _nodeId(i),
            DataDir = Path.Combine(_root, $"node-{i}"),
        };
        var system = ActorSystem.Create(PaxosSettings.SystemName, ActorsNode.BuildConfig(options, _config));
        Systems[i] = system;
        Nodes[i] = ActorsNode.Start(system);
    }

    public async Task StopAsync(int i)
    {
        if (Systems[i] is { } s) await s.Terminate();
        Systems[i] = null;
        Nodes[i] = null;
    }

    /// <summary>
    /// Asks node <paramref name="node"/>'s entry point. A write with a client id and no issue time is issued at the node's log
    /// time when it arrives (the entry lowers a later time to its own), which a test's direct asks stand for.
    /// </summary>
    public Task<KvReply> AskKv(int node, KvRequest request) =>
        Nodes[node]!.Entry.Ask<KvReply>(request is not Get && request.ClientId != "" && request.Issued == 0 ? request with { Issued = KvRequest.IssuedOnArrival } : request,
            TimeSpan.FromSeconds(10));

    /// <summary>
    /// Sends <paramref name="request"/> again (same client id and seq) while its reply's status is one
    /// <paramref name="retryOn"/> accepts (default: Timeout or Unavailable), until <paramref name="within"/> has passed;
    /// returns the last reply. Each ask waits for the node's answer, which paces the loop.
    /// </summary>
    public async Task<KvReply> AskKvUntil(int node, KvRequest request, TimeSpan within, Func<KvReplyStatus, bool>? retryOn = null)
    {
        retryOn ??= s => s is KvReplyStatus.Timeout or KvReplyStatus.Unavailable;
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var reply = await AskKv(node, request);
            if (!retryOn(reply.Status) || DateTime.UtcNow > deadline) return reply;
        }
    }

    public Task<ProposerStatus> ProposerStatusOf(int node) =>
        Systems[node]!.ActorSelection("/user/paxos/proposer").Ask<ProposerStatus>(GetProposerStatus.Instance, TimeSpan.FromSeconds(5));

    public Task<ReplicaStatus> ReplicaStatusOf(int node) =>
        Systems[node]!.ActorSelection("/user/paxos/replica").Ask<ReplicaStatus>(GetReplicaStatus.Instance, TimeSpan.FromSeconds(5));

    /// <summary>Retries <paramref name="assertion"/> until it passes or <paramref name="within"/> runs out (TestKit's AwaitAssert).</summary>
    public Task AwaitAssertAsync(Func<Task> assertion, TimeSpan within) =>
        _kit.AwaitAssertAsync(assertion, within, TimeSpan.FromMilliseconds(100));

    /// <summary>Waits until every running node agrees on one leader; returns its index in <see cref="Systems"/>.</summary>
    public async Task<int> AwaitLeader(TimeSpan timeout)
    {
        var leader = -1;
        await AwaitAssertAsync(async () =>
        {
            var statuses = new List<ProposerStatus>();
            for (var i = 0; i < Systems.Length; i++)
                if (Systems[i] is not null) statuses.Add(await ProposerStatusOf(i));
            var leaders = statuses.Select(s => s.Leader).Distinct().ToList();
            var summary = string.Join(", ", statuses.Select(s => $"{s.Self}:{s.Role}/{s.Leader}/{s.Ballot}"));
            Assert.True(leaders.Count == 1 && leaders[0] is not null, "no single leader: " + summary);
            // Node ids are 1-based; Systems is indexed from 0.
            var l = leaders[0]!.Value;
            Assert.True(Systems[l - 1] is not null && statuses.Any(s => s.Self == l && s.Role == Core.Paxos.ProposerRole.Leader),
                "the agreed leader is not leading: " + summary);
            leader = l - 1;
            // Every node's entry point takes writes with a client id once its replica applied a slot (it needs the log's
            // time to check their issue time): a new log has one within a second of its first leader (its idle stamp).
            for (var i = 0; i < Systems.Length; i++)
                if (Systems[i] is not null) Assert.True((await ReplicaStatusOf(i)).LastApplied >= 0, $"node {i + 1} has applied no slot yet");
        }, timeout);
        return leader;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Systems.Length; i++) await StopAsync(i);
        _kit.Shutdown();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }
}
