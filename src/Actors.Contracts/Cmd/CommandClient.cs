using System.Net.Sockets;

namespace Actors.Contracts.Cmd;

/// <summary>
/// A connection to one node's command host. Requests are sent one at a time (concurrent calls queue)
/// and each waits for its response. After a failed or cancelled exchange the connection is unusable,
/// because the host may still answer the abandoned request; connect again.
/// </summary>
public sealed class CommandClient : IAsyncDisposable, IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly JsonLineReader _reader;
    private readonly SemaphoreSlim _exchange = new(1, 1);
    private bool _broken;
    private bool _disposed;

    private CommandClient(TcpClient tcp, string host, int port)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new JsonLineReader(_stream, CommandProtocol.MaxResponseLineBytes);
        Host = host;
        Port = port;
    }

    /// <summary>Host name or address this client connected to.</summary>
    public string Host { get; }

    /// <summary>Command port this client connected to.</summary>
    public int Port { get; }

    /// <summary>Connects to the command host at <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <exception cref="SocketException">The host cannot be resolved or reached, or refuses the connection.</exception>
    public static async Task<CommandClient> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new CommandClient(tcp, host, port);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="request"/> and returns the host's response.</summary>
    /// <exception cref="CommandProtocolException">The request is too long, or the response is malformed.</exception>
    /// <exception cref="IOException">The connection failed or the host closed it.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the connection is now unusable.</exception>
    public async Task<CommandResponse> SendAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var line = CommandProtocol.ToLine(request);
        if (line.Length - 1 > CommandProtocol.MaxRequestLineBytes)
        {
            throw new CommandProtocolException(
                $"request is {line.Length - 1} bytes; the limit is {CommandProtocol.MaxRequestLineBytes}");
        }

        await _exchange.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_broken)
            {
                throw new IOException("the connection is unusable after an earlier failure; connect again");
            }

            _broken = true;
            await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            var answer = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new IOException($"{Host}:{Port} closed the connection");
            var response = CommandProtocol.ParseResponse(answer);
            _broken = false;
            return response;
        }
        finally
        {
            _exchange.Release();
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _disposed = true;
        _stream.Dispose();
        _tcp.Dispose();
    }

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
