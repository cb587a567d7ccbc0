using Actors.Contracts.Client;
using Actors.Testing.Processes;
using Akka.Configuration;

namespace Actors.Cluster.Tests.Support;

/// <summary>The local clusters these tests run: each class on its own ports, data in a new temporary directory.</summary>
public static class TestClusters
{
    /// <summary>An actor system outside the cluster (plain Akka.Remote on a free loopback port) that ActorsClient runs in.</summary>
    public static readonly Config ClientConfig = ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """).WithFallback(ActorsClientConfig.Default);

    /// <summary>
    /// A cluster on <paramref name="remoteBase"/>/<paramref name="cmdBase"/>, with <paramref name="extraConfig"/>
    /// layered on every node. The script waits up to 180 s for readiness and is killed after 6 minutes; the data is
    /// deleted on dispose unless ACTORS_KEEP_TEST_DATA=1.
    /// </summary>
    public static LocalClusterProcess Create(int remoteBase, int cmdBase, string? extraConfig = null) => new(new LocalClusterOptions
    {
        RemoteBase = remoteBase,
        CmdBase = cmdBase,
        ExtraConfig = extraConfig,
        ReadyWait = TimeSpan.FromSeconds(180),
        ScriptTimeout = TimeSpan.FromMinutes(6),
    });
}
