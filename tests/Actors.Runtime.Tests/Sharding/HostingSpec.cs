using Actors.Contracts.Sharding;
using Actors.Runtime.Hosting;
using Actors.Runtime.Sharding;
using Actors.Runtime.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Actors.Runtime.Tests.Sharding;

/// <summary>An application adds an entity type on the ring with one Akka.Hosting call.</summary>
public sealed class HostingSpec
{
    /// <summary>The registry key of the echo entity type.</summary>
    private sealed class EchoKey;

    private sealed record Ping(string EntityId, string Text) : IEntityMessage;

    private sealed record Pong(string Entity, string Text);

    private sealed class Echo : ReceiveActor
    {
        public Echo(string id) => ReceiveAny(m => Sender.Tell(m switch
        {
            Ping p => new Pong(id, p.Text),
            string s => new Pong(id, s),
            _ => new Pong(id, "?"),
        }));
    }

    [Fact]
    public async Task An_entity_type_started_with_one_hosting_call_answers_by_entity_id_and_through_sharding_envelopes()
    {
        var port = FreePorts.Take(1)[0];
        var dataDir = Path.Combine(Path.GetTempPath(), "actors-hosting-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var config = ActorsNode.BuildConfig(new NodeOptions { Port = port, DataDir = dataDir },
                Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddAkka(Actors.Runtime.Paxos.PaxosSettings.SystemName, (akka, _) =>
            {
                akka.AddHocon(config, HoconAddMode.Prepend);
                akka.WithActors((system, _) => ActorsNode.Start(system));
                akka.WithRingShardRegion<EchoKey>("echo", id => Props.Create(() => new Echo(id)));
            });
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                var registry = host.Services.GetRequiredService<ActorRegistry>();
                var region = await registry.GetAsync<EchoKey>();
                var pong = await region.Ask<Pong>(new Ping("e1", "hello"), TimeSpan.FromSeconds(30));
                Assert.Equal(new Pong("e1", "hello"), pong);
                // Akka's envelope reaches the entity by its id, unwrapped.
                Assert.Equal(new Pong("e2", "plain"), await region.Ask<Pong>(new ShardingEnvelope("e2", "plain"), TimeSpan.FromSeconds(30)));
                Assert.Contains("echo", ClusterSharding.Get(host.Services.GetRequiredService<ActorSystem>()).ShardTypeNames);
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }
}
