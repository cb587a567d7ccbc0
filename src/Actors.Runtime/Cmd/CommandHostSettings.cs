using System.Globalization;
using System.Net;
using Actors.Contracts.Cmd;
using Akka.Configuration;

namespace Actors.Runtime.Cmd;

/// <summary>
/// Where the command host listens and which token it demands, read from <c>actors.cmd</c>:
/// <c>host</c> (an IP address or <c>localhost</c>; default <c>127.0.0.1</c>), <c>port</c> (0..65535,
/// 0 picks a free port; default 9110) and <c>token</c> (default empty, meaning none; when empty the
/// <c>ACTORS_CMD_TOKEN</c> environment variable is used instead).
/// </summary>
public sealed class CommandHostSettings
{
    private const string HostKey = "actors.cmd.host";
    private const string PortKey = "actors.cmd.port";
    private const string TokenKey = "actors.cmd.token";

    /// <summary>Creates settings; an empty <paramref name="token"/> disables the token check.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535.</exception>
    public CommandHostSettings(IPAddress address, int port, string token)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        Address = address;
        Port = port;
        Token = token;
    }

    /// <summary>Loopback on the default port, no token.</summary>
    public static CommandHostSettings Default { get; } = new(IPAddress.Loopback, CommandProtocol.DefaultPort, string.Empty);

    /// <summary>Address to bind.</summary>
    public IPAddress Address { get; }

    /// <summary>Port to bind; 0 asks the operating system for a free one.</summary>
    public int Port { get; }

    /// <summary>Shared secret every request must carry; empty for none.</summary>
    public string Token { get; }

    /// <summary>True when requests must carry <see cref="Token"/>.</summary>
    public bool RequiresToken => Token.Length > 0;

    /// <summary>Reads <c>actors.cmd</c> from <paramref name="config"/>, falling back to
    /// <c>ACTORS_CMD_TOKEN</c> from the process environment for the token.</summary>
    /// <exception cref="ConfigurationException">A key holds an invalid value.</exception>
    public static CommandHostSettings Create(Config config) =>
        Create(config, Environment.GetEnvironmentVariable);

    /// <summary>Reads <c>actors.cmd</c> from <paramref name="config"/>, taking environment variables from
    /// <paramref name="environment"/>.</summary>
    /// <exception cref="ConfigurationException">A key holds an invalid value.</exception>
    public static CommandHostSettings Create(Config config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        var host = ReadString(config, HostKey, "127.0.0.1").Trim();
        var address = ParseAddress(host)
            ?? throw new ConfigurationException($"{HostKey} must be an IP address or 'localhost', got '{host}'");

        var portText = ReadString(config, PortKey, CommandProtocol.DefaultPort.ToString(CultureInfo.InvariantCulture)).Trim();
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            throw new ConfigurationException($"{PortKey} must be an integer in 0..65535, got '{portText}'");
        }

        var token = ReadString(config, TokenKey, string.Empty);
        if (token.Length == 0)
        {
            token = environment(CommandProtocol.TokenEnvironmentVariable) ?? string.Empty;
        }

        return new CommandHostSettings(address, port, token);
    }

    private static IPAddress? ParseAddress(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(bare, out var address))
        {
            return null;
        }

        // IPAddress.TryParse also takes shorthand such as "10" or "127.1"; only dotted quads are meant.
        var dottedQuad = bare.Count(c => c == '.') == 3;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !dottedQuad ? null : address;
    }

    private static string ReadString(Config config, string key, string fallback)
    {
        if (config.IsEmpty || !config.HasPath(key))
        {
            return fallback;
        }

        try
        {
            return config.GetString(key, fallback) ?? fallback;
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"{key} must be a single value ({e.Message})");
        }
    }
}
