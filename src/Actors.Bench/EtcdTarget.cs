using System.Diagnostics;
using Actors.Testing.Processes;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Actors.Bench;

/// <summary>
/// etcd as a peer: three members on loopback started from the <c>etcd</c> binary on PATH, each with its own data
/// directory and default durability (the WAL is fsynced before a write is acknowledged). Clients put through one
/// gRPC client per member, spread round-robin; followers forward to the leader as Actors nodes do. Reads are etcd's
/// default range requests, which are linearizable (etcd's read index).
/// </summary>
public sealed class EtcdTarget(string workDir, Workload workload) : IKvTarget
{
    private const int Members = 3;
    private const int ClientPortBase = 23790;
    private const int PeerPortBase = 23800;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly List<Process> _processes = [];
    private readonly List<EtcdClient> _clients = [];

    public string Name => "etcd";

    public IReadOnlyList<string> Series { get; } = ["etcd"];

    public bool HasWorkloads => true;

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var dir = Path.Combine(workDir, "etcd");
        Directory.CreateDirectory(dir);
        var cluster = string.Join(",", Enumerable.Range(1, Members).Select(i => $"m{i}={PeerUrl(i)}"));
        var token = "bench-" + Guid.NewGuid().ToString("N")[..12];
        for (var i = 1; i <= Members; i++)
        {
            string[] args =
            [
                "--name", $"m{i}",
                "--data-dir", Path.Combine(dir, $"m{i}.data"),
                "--listen-client-urls", ClientUrl(i),
                "--advertise-client-urls", ClientUrl(i),
                "--listen-peer-urls", PeerUrl(i),
                "--initial-advertise-peer-urls", PeerUrl(i),
                "--initial-cluster", cluster,
                "--initial-cluster-token", token,
                "--initial-cluster-state", "new",
            ];
            var process = ChildProcess.StartLogged("etcd", args, Path.Combine(dir, $"m{i}.log"));
            _processes.Add(process);
            // Lets scripts/bench.sh stop the member if this process dies before tearing down.
            await File.WriteAllTextAsync(Path.Combine(dir, $"m{i}.pid"), process.Id.ToString(), cancellationToken);
        }
        for (var i = 1; i <= Members; i++) _clients.Add(new EtcdClient(ClientUrl(i)));

        await WaitForLeaderAsync(dir, cancellationToken);
        var first = await CreateClient("etcd", 0, WorkloadKind.Write)(cancellationToken);
        if (first != OpOutcome.Ok) throw new InvalidOperationException($"first put ended {first}");
    }

    public Func<CancellationToken, Task<OpOutcome>> CreateClient(string series, int index, WorkloadKind kind)
    {
        var client = _clients[index % _clients.Count];
        return async ct =>
        {
            var deadline = DateTime.UtcNow + BenchOptions.RequestTimeout;
            try
            {
                if (Workload.NextIsRead(kind))
                {
                    await client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(workload.RandomKey()) }, null, deadline, ct);
                    return OpOutcome.Ok;
                }
                var request = new PutRequest
                {
                    Key = ByteString.CopyFromUtf8(workload.RandomKey()),
                    Value = ByteString.CopyFrom(workload.NewValue()),
                };
                await client.PutAsync(request, null, deadline, ct);
                return OpOutcome.Ok;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
            {
                return OpOutcome.Timeout;
            }
        };
    }

    public async Task TearDownAsync()
    {
        foreach (var client in _clients) client.Dispose();
        _clients.Clear();
        await Task.WhenAll(_processes.Select(p => ChildProcess.StopAsync(p, TimeSpan.FromSeconds(10))));
        foreach (var process in _processes) process.Dispose();
        _processes.Clear();
    }

    private async Task WaitForLeaderAsync(string dir, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            for (var i = 0; i < _processes.Count; i++)
            {
                if (_processes[i].HasExited)
                    throw new InvalidOperationException($"etcd member m{i + 1} exited with {_processes[i].ExitCode}; see {Path.Combine(dir, $"m{i + 1}.log")}");
            }
            if (await AllSeeLeaderAsync(cancellationToken)) return;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"etcd had no leader after {ReadyTimeout.TotalSeconds:0} s; see {dir}/m*.log");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private async Task<bool> AllSeeLeaderAsync(CancellationToken cancellationToken)
    {
        foreach (var client in _clients)
        {
            try
            {
                var status = await client.StatusAsync(new StatusRequest(), null, DateTime.UtcNow.AddSeconds(2), cancellationToken);
                if (status.Leader == 0) return false;
            }
            catch (RpcException)
            {
                return false;
            }
        }
        return true;
    }

    private static string ClientUrl(int member) => $"http://127.0.0.1:{ClientPortBase + member}";

    private static string PeerUrl(int member) => $"http://127.0.0.1:{PeerPortBase + member}";
}
