using System.Net;
using System.Net.Sockets;
using Actors.Contracts.Cmd;
using Actors.Runtime.Cmd;

namespace Actors.Runtime.Tests.Cmd;

/// <summary>A command host on an ephemeral loopback port serving an <see cref="EchoPalette"/>.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    /// <summary>Guards every network wait so a broken host fails the spec instead of hanging it.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private TestHost(CommandHost host, EchoPalette echo)
    {
        Host = host;
        Echo = echo;
    }

    public CommandHost Host { get; }

    public EchoPalette Echo { get; }

    public int Port => Host.Port;

    public static async Task<TestHost> StartAsync(string token = "")
    {
        var echo = new EchoPalette();
        var registry = new CommandRegistry().Register(echo);
        var host = new CommandHost(new CommandHostSettings(IPAddress.Loopback, 0, token), registry);
        await host.StartAsync();
        return new TestHost(host, echo);
    }

    public static CancellationToken GuardToken() => new CancellationTokenSource(Guard).Token;

    public Task<CommandClient> ConnectAsync() => CommandClient.ConnectAsync("127.0.0.1", Port, GuardToken());

    /// <summary>Sends one request over a fresh connection.</summary>
    public async Task<CommandResponse> SendAsync(string palette, string command, params string[] args)
    {
        await using var client = await ConnectAsync();
        return await client.SendAsync(new CommandRequest(palette, command, args, false, null), GuardToken());
    }

    /// <summary>
    /// Writes raw bytes on a fresh connection and ends its sending side, then returns the lines the host
    /// answers until it closes.
    /// </summary>
    public async Task<IReadOnlyList<string>> SendRawAsync(byte[] bytes)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port, GuardToken());
        var stream = tcp.GetStream();
        var lines = new List<string>();
        try
        {
            await stream.WriteAsync(bytes, GuardToken());
            tcp.Client.Shutdown(SocketShutdown.Send);
            var reader = new JsonLineReader(stream, CommandProtocol.MaxResponseLineBytes);
            while (await reader.ReadLineAsync(GuardToken()) is { } line)
            {
                lines.Add(line);
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The host may reset a connection whose input it left unread; what arrived before counts.
        }

        return lines;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
