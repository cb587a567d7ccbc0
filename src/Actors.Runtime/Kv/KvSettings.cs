using Actors.Core.Kv;
using Akka.Configuration;

namespace Actors.Runtime.Kv;

/// <summary>Settings of the key-value entry point, read from <c>actors.kv</c>.</summary>
public sealed class KvSettings
{
    private KvSettings(KvLimits limits, TimeSpan timeout)
    {
        Limits = limits;
        RequestTimeout = timeout;
    }

    public KvLimits Limits { get; }

    /// <summary>How long a request waits to be applied before it is answered Timeout.</summary>
    public TimeSpan RequestTimeout { get; }

    public static KvSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        var limits = new KvLimits(
            ActorsConfig.Int(c, "actors.kv.max-key-bytes", 1, 1024 * 1024),
            (int)ActorsConfig.Bytes(c, "actors.kv.max-value-bytes", 1, 16 * 1024 * 1024));
        return new KvSettings(limits, ActorsConfig.Duration(c, "actors.kv.request-timeout"));
    }
}
