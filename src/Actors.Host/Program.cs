using Actors.Host;
using Actors.Runtime.Cmd;
using Actors.Runtime.Hosting;
using Actors.Runtime.Palettes;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(NodeCommandLine.Usage);
    return 0;
}

NodeCommandLine.Result parsed;
Config config;
Actors.Runtime.Paxos.PaxosSettings paxosSettings;
Actors.Runtime.Kv.KvSettings kvSettings;
CommandHostSettings cmdSettings;
try
{
    parsed = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable);
    var extra = parsed.ConfigFile is { } file
        ? ConfigurationFactory.ParseString(File.ReadAllText(file))
        : null;
    config = ActorsNode.BuildConfig(parsed.Options, extra);
    // Read once, and fail fast on invalid settings before anything binds a port.
    paxosSettings = Actors.Runtime.Paxos.PaxosSettings.Create(config);
    kvSettings = Actors.Runtime.Kv.KvSettings.Create(config);
    cmdSettings = CommandHostSettings.Create(config);
}
catch (Exception e) when (e is ArgumentException or ConfigurationException or IOException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(NodeCommandLine.Usage);
    return 2;
}

var started = new TaskCompletionSource<ActorsNodeRefs>(TaskCreationOptions.RunContinuationsAsynchronously);
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddAkka(Actors.Runtime.Paxos.PaxosSettings.SystemName, (akka, _) =>
{
    akka.AddHocon(config, HoconAddMode.Prepend);
    akka.WithActors((system, _) => started.TrySetResult(ActorsNode.Start(system, paxosSettings, kvSettings)));
});
builder.Services.AddHostedService(sp => new CommandHostService(sp.GetRequiredService<ActorSystem>(), started.Task, cmdSettings));

using var host = builder.Build();
await host.RunAsync();
return 0;

/// <summary>Runs the command host with this node's palettes for as long as the node runs.</summary>
internal sealed class CommandHostService(ActorSystem system, Task<ActorsNodeRefs> node, CommandHostSettings settings) : IHostedService
{
    private CommandHost? _host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var log = Logging.GetLogger(system, "command-host");
        var refs = await node.WaitAsync(cancellationToken);
        var paxos = refs.PaxosSettings;
        var palettes = new CommandRegistry(log)
            .Register(new KvPalette(refs.Entry, refs.KvSettings.RequestTimeout))
            .Register(new RingPalette(refs.Ring, refs.Entry, refs.KvSettings.RequestTimeout, refs.Sharding.NumberOfShards))
            .Register(new ShardingPalette(system, refs.KvSettings.RequestTimeout))
            .Register(new PaxosPalette(system, refs.Transport))
            .Register(new ClusterPalette(system))
            .Register(new ActorPalette(system))
            .Register(new LogPalette(system));
        if (refs.Counter is { } counter) palettes.Register(new CounterPalette(counter, refs.KvSettings.RequestTimeout));
        if (system.Settings.Config.GetBoolean("actors.faults.enabled", false))
        {
            palettes.Register(new FaultsPalette(Actors.Runtime.Paxos.PaxosFaults.For(system), paxos));
            log.Warning("fault injection is enabled (actors.faults.enabled): the faults palette can cut this node's Paxos traffic");
        }
        _host = new CommandHost(settings, palettes, log);
        await _host.StartAsync(cancellationToken);
        var kind = paxos.IsLearner ? "learner" : "acceptor";
        log.Info("node {0} ({1}; {2} acceptors); remote {3}", paxos.Self, kind, paxos.Members.Length, paxos.SelfEndpoint);
        Console.WriteLine($"actors node {paxos.Self} ({kind}) up: remote {Actors.Runtime.Paxos.PaxosSettings.AddressOf(paxos.SelfEndpoint)}, commands {_host.EndPoint}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
