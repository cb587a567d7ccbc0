using Actors.Runtime.Paxos;
using Akka.Configuration;
using Xunit;

namespace Actors.Runtime.Tests.Paxos;

public sealed class PaxosSettingsSpec
{
    private static Config With(string hocon) => ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 4053 }
        """));

    [Fact]
    public void The_defaults_fit_the_frame_size()
    {
        var s = PaxosSettings.Create(With(""));
        Assert.Equal(1024 * 1024, s.SnapshotChunkBytes);
    }

    [Theory]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 4MiB", "max-batch-bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 8MiB\nactors.paxos.max-batch-bytes = 1MiB\nactors.kv.max-value-bytes = 4MiB", "max-value-bytes")]
    [InlineData("akka.remote.dot-netty.tcp.maximum-frame-size = 1MiB\nactors.paxos.max-batch-bytes = 256KiB\nactors.kv.max-value-bytes = 128KiB", "snapshot-chunk-bytes")]
    public void Settings_that_would_make_a_message_larger_than_a_frame_fail_at_start(string hocon, string named)
    {
        var e = Assert.Throws<ConfigurationException>(() => PaxosSettings.Create(With(hocon)));
        Assert.Contains(named, e.Message);
        Assert.Contains("maximum-frame-size", e.Message);
    }
}
