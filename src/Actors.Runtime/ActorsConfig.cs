using Akka.Configuration;

namespace Actors.Runtime;

/// <summary>The reference configuration (hocon/actors.conf, embedded) and helpers to layer settings on it.</summary>
public static class ActorsConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(() => ConfigurationFactory.ParseString(ReadResource("actors.conf")));

    /// <summary>Every actors.* key with its default, plus the Akka settings a node needs.</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>Text of an embedded HOCON file (actors.conf, node.conf).</summary>
    public static string ReadResource(string name)
    {
        using var stream = typeof(ActorsConfig).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded configuration '{name}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a duration key, failing with the key's name when it is missing or not a positive duration.</summary>
    internal static TimeSpan Duration(Config c, string key)
    {
        var v = Required(c, key, () => c.GetTimeSpan(key, null, allowInfinite: false));
        if (v <= TimeSpan.Zero) throw new ConfigurationException($"{key} must be a positive duration, got {v}");
        return v;
    }

    internal static int Int(Config c, string key, int min, int max = int.MaxValue)
    {
        var v = Required(c, key, () => c.GetInt(key));
        if (v < min || v > max) throw new ConfigurationException($"{key} must be between {min} and {max}, got {v}");
        return v;
    }

    internal static long Bytes(Config c, string key, long min, long max = long.MaxValue)
    {
        var v = Required(c, key, () => c.GetByteSize(key) ?? throw new ConfigurationException($"{key} is not a size"));
        if (v < min || v > max) throw new ConfigurationException($"{key} must be between {min} and {max} bytes, got {v}");
        return v;
    }

    internal static T Required<T>(Config c, string key, Func<T> read)
    {
        if (!c.HasPath(key)) throw new ConfigurationException($"missing setting {key}");
        try
        {
            return read();
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"invalid setting {key}: {e.Message}", e);
        }
    }
}
