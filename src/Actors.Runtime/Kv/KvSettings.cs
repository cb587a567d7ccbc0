using Actors.Core.Kv;
using Actors.Core.Log;
using Akka.Configuration;

namespace Actors.Runtime.Kv;

/// <summary>Settings of the key-value entry point, read from <c>actors.kv</c>.</summary>
public sealed class KvSettings
{
    private KvSettings(LogRules rules, TimeSpan timeout)
    {
        Rules = rules;
        RequestTimeout = timeout;
    }

    /// <summary>The rules commands are applied with: limits and the session TTL (equal on every node).</summary>
    public LogRules Rules { get; }

    public KvLimits Limits => Rules.Limits;

    /// <summary>How long a request waits to be applied before it is answered Timeout.</summary>
    public TimeSpan RequestTimeout { get; }

    public static KvSettings Create(Config config)
    {
        var c = config.WithFallback(ActorsConfig.Reference);
        var limits = new KvLimits(
            ActorsConfig.Int(c, "actors.kv.max-key-bytes", 1, 1024 * 1024),
            (int)ActorsConfig.Bytes(c, "actors.kv.max-value-bytes", 1, 16 * 1024 * 1024));
        var ttl = ActorsConfig.Duration(c, "actors.kv.session-ttl");
        if (ttl < TimeSpan.FromSeconds(1))
            throw new ConfigurationException($"actors.kv.session-ttl must be at least 1s (got {ttl})");
        // The rules of every service on the log: the ring's virtual nodes decide ownership, so they are compared too.
        var vnodes = Ring.RingSettings.Create(c).VirtualNodesPerWeight;
        var maxState = ActorsConfig.Bytes(c, "actors.log.max-state-bytes", 1024, long.MaxValue);
        return new KvSettings(new LogRules(limits, (long)ttl.TotalMilliseconds, vnodes, maxState), ActorsConfig.Duration(c, "actors.kv.request-timeout"));
    }
}
