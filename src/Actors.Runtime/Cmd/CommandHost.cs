using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Actors.Contracts.Cmd;
using Akka.Event;

namespace Actors.Runtime.Cmd;

/// <summary>
/// Serves a <see cref="CommandRegistry"/> over TCP with the <see cref="CommandProtocol"/>: each
/// connection runs on its own task and its requests are answered in order. A failing handler yields
/// exit 2 for that request only; a malformed request is answered with one error response and its
/// connection closed; neither affects other connections or the host.
/// </summary>
/// <remarks>
/// Security: binding to an address other than loopback requires a token. With a token configured,
/// a request whose token differs (compared in constant time) is answered
/// <c>error: invalid or missing token</c> and its connection closed.
/// </remarks>
public sealed class CommandHost : IAsyncDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly CommandRegistry _registry;
    private readonly ILoggingAdapter _log;
    private readonly byte[]? _tokenHash;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly object _gate = new();
    private TcpListener? _listener;
    private IPEndPoint? _endPoint;
    private Task _acceptLoop = Task.CompletedTask;
    private long _lastConnectionId;
    private State _state;

    /// <summary>Creates a host that is not yet listening.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="settings"/> binds to a non-loopback
    /// address without a token.</exception>
    public CommandHost(CommandHostSettings settings, CommandRegistry registry, ILoggingAdapter? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(registry);
        if (!IPAddress.IsLoopback(settings.Address) && !settings.RequiresToken)
        {
            throw new InvalidOperationException(
                $"command host: binding to {settings.Address} requires a token (actors.cmd.token or {CommandProtocol.TokenEnvironmentVariable})");
        }

        Settings = settings;
        _registry = registry;
        _log = log ?? NoLogger.Instance;
        _tokenHash = settings.RequiresToken ? Hash(settings.Token) : null;
    }

    private enum State
    {
        Created,
        Started,
        Stopped,
    }

    /// <summary>The settings the host was created with.</summary>
    public CommandHostSettings Settings { get; }

    /// <summary>The address and port actually bound (the chosen port when configured with 0).</summary>
    /// <exception cref="InvalidOperationException">The host has not been started.</exception>
    public IPEndPoint EndPoint => _endPoint ?? throw new InvalidOperationException("command host is not started");

    /// <summary>The bound port; see <see cref="EndPoint"/>.</summary>
    public int Port => EndPoint.Port;

    /// <summary>Binds the listener and starts accepting connections. A host starts at most once.</summary>
    /// <exception cref="InvalidOperationException">The host was already started or stopped, or the address
    /// cannot be bound (e.g. the port is in use).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_state != State.Created)
            {
                throw new InvalidOperationException($"command host is already {_state.ToString().ToLowerInvariant()}");
            }

            var listener = new TcpListener(Settings.Address, Settings.Port);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                listener.Stop();
                throw new InvalidOperationException(
                    $"command host: cannot listen on {Format(Settings.Address, Settings.Port)} ({e.Message})", e);
            }

            _listener = listener;
            _endPoint = (IPEndPoint)listener.LocalEndpoint;
            _state = State.Started;
            _acceptLoop = Task.Run(() => AcceptLoopAsync(listener));
        }

        _log.Info("command host listening on {0}", _endPoint);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting, cancels running commands, closes every connection and waits for their tasks.
    /// Idempotent. <paramref name="cancellationToken"/> bounds only the wait.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != State.Started)
            {
                _state = State.Stopped;
                return;
            }

            _state = State.Stopped;
            _stopping.Cancel();
            _listener!.Stop();
        }

        await _acceptLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        var connections = _connections.Values.ToArray();
        foreach (var connection in connections)
        {
            connection.Socket.Dispose();
        }

        await Task.WhenAll(connections.Select(c => c.Task)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the host (see <see cref="StopAsync"/>) and releases its resources.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Transient (a peer reset before accept) or resource exhaustion; keep serving either way.
                _log.Warning("command host: accept failed ({0})", e.Message);
                try
                {
                    await Task.Delay(AcceptRetryDelay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _lastConnectionId);
            var connection = new Connection(socket);
            _connections[id] = connection;
            connection.Task = Task.Run(() => ServeAsync(id, socket, stopping), CancellationToken.None);
        }
    }

    private async Task ServeAsync(long id, Socket socket, CancellationToken stopping)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var reader = new JsonLineReader(stream, CommandProtocol.MaxRequestLineBytes);
            while (await NextAsync(reader, stream, stopping).ConfigureAwait(false) is { } request)
            {
                if (!TokenMatches(request.Token))
                {
                    await WriteAsync(stream, CommandResponse.Error("invalid or missing token"), stopping).ConfigureAwait(false);
                    break;
                }

                // The registry turns a failing handler into an error response; it does not throw.
                var response = await _registry.ExecuteAsync(request, stopping).ConfigureAwait(false);
                await WriteAsync(stream, response, stopping).ConfigureAwait(false);
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or the host is stopping: nothing to answer.
        }
        catch (Exception e)
        {
            _log.Error(e, "command host: connection {0} failed", id);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            socket.Dispose();
        }
    }

    /// <summary>The next request, or null when the connection should close (end of stream, or a
    /// malformed request that has been answered).</summary>
    private static async Task<CommandRequest?> NextAsync(JsonLineReader reader, Stream stream, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                var line = await reader.ReadLineAsync(stopping).ConfigureAwait(false);
                if (line is null)
                {
                    return null;
                }

                if (!string.IsNullOrWhiteSpace(line))
                {
                    return CommandProtocol.ParseRequest(line);
                }
            }
            catch (CommandProtocolException e)
            {
                await WriteAsync(stream, CommandResponse.Error("malformed request: " + e.Message), stopping).ConfigureAwait(false);
                return null;
            }
        }
    }

    private static async Task WriteAsync(Stream stream, CommandResponse response, CancellationToken stopping) =>
        await stream.WriteAsync(CommandProtocol.ToLine(response), stopping).ConfigureAwait(false);

    private bool TokenMatches(string? token) =>
        _tokenHash is null || CryptographicOperations.FixedTimeEquals(_tokenHash, Hash(token ?? string.Empty));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();

    private sealed class Connection(Socket socket)
    {
        public Socket Socket { get; } = socket;

        public Task Task { get; set; } = Task.CompletedTask;
    }
}
