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
try
{
    parsed = NodeCommandLine.Parse(args, Environment.GetEnvironmentVariable);
    var extra = parsed.ConfigFile is { } file
        ? ConfigurationFactory.ParseString(File.ReadAllText(file))
        : null;
    config = ActorsNode.BuildConfig(parsed.Options, extra);
    // Fail fast on invalid settings, before anything binds a port.
    Actors.Runtime.Paxos.PaxosSettings.Create(config);
    Actors.Runtime.Kv.KvSettings.Create(config);
    CommandHostSettings.Create(config);
}
catch (Exception e) when (e is ArgumentException or ConfigurationException or IOException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(NodeCommandLine.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddAkka(Actors.Runtime.Paxos.PaxosSettings.SystemName, (akka, _) =>
{
    akka.AddHocon(config, HoconAddMode.Prepend);
    akka.WithActors((system, _) => ActorsNode.Start(system));
});
builder.Services.AddHostedService(sp => new CommandHostService(sp.GetRequiredService<ActorSystem>(), config));

using var host = builder.Build();
await host.RunAsync();
return 0;

/// <summary>Runs the command host with this node's palettes for as long as the node runs.</summary>
internal sealed class CommandHostService(ActorSystem system, Config config) : IHostedService
{
    private CommandHost? _host;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var log = Logging.GetLogger(system, "command-host");
        var paxos = Actors.Runtime.Paxos.PaxosSettings.Create(system.Settings.Config);
        var kv = Actors.Runtime.Kv.KvSettings.Create(system.Settings.Config);
        var palettes = new CommandRegistry(log)
            .Register(new KvPalette(await system.ActorSelection("/user/kv").ResolveOne(TimeSpan.FromSeconds(30), cancellationToken), kv.RequestTimeout))
            .Register(new PaxosPalette(system, paxos))
            .Register(new ClusterPalette(system))
            .Register(new ActorPalette(system))
            .Register(new LogPalette(system));
        if (system.Settings.Config.GetBoolean("actors.faults.enabled", false))
        {
            palettes.Register(new FaultsPalette(Actors.Runtime.Paxos.PaxosFaults.For(system), paxos));
            log.Warning("fault injection is enabled (actors.faults.enabled): the faults palette can cut this node's Paxos traffic");
        }
        _host = new CommandHost(CommandHostSettings.Create(config), palettes, log);
        await _host.StartAsync(cancellationToken);
        log.Info("command host listening on {0}; remote {1}; node {2} of {3}",
            _host.EndPoint, paxos.EndpointOf(paxos.Self), paxos.Self, paxos.Members.Length);
        Console.WriteLine($"actors node {paxos.Self} up: remote akka.tcp://actors@{paxos.EndpointOf(paxos.Self)}, commands {_host.EndPoint}");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
