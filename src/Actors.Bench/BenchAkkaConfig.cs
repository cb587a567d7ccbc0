using Actors.Contracts.Client;
using Actors.Runtime;
using Akka.Configuration;

namespace Actors.Bench;

/// <summary>
/// Configuration of the benchmark's own actor systems: plain Akka.Remote (not cluster members) on an ephemeral
/// loopback port, with the project's serializers and bindings from <see cref="ActorsConfig.Reference"/>.
/// </summary>
public static class BenchAkkaConfig
{
    private static readonly Lazy<Config> RemoteConfig = new(() => ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          actor.provider = remote
          remote.dot-netty.tcp {
            hostname = "127.0.0.1"
            port = 0
            maximum-frame-size = 32MiB
          }
        }
        """).WithFallback(ActorsClientConfig.Default).WithFallback(ActorsConfig.Reference));

    /// <summary>Remote provider, port 0 on 127.0.0.1, the project's serialization bindings.</summary>
    public static Config Remote => RemoteConfig.Value;
}
