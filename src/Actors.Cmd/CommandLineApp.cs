using System.Globalization;
using System.Net.Sockets;
using Actors.Contracts.Cmd;

namespace Actors.Cmd;

/// <summary>
/// The CLI behind <c>Program.Main</c>, with its console streams passed in. One-shot: sends one request,
/// prints its stdout and stderr and returns its exit code. Interactive: reads lines from
/// <c>stdin</c> and sends each over the same connection until <c>exit</c>, <c>quit</c> or end of input.
/// Failing to connect, a lost connection and a timeout return exit code 2.
/// </summary>
internal sealed class CommandLineApp(
    TextReader stdin,
    TextWriter stdout,
    TextWriter stderr,
    Func<string, string?> environment,
    bool showPrompt)
{
    public async Task<int> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken = default)
    {
        var parse = CommandLineParser.Parse(argv, environment);
        if (parse.HelpRequested)
        {
            await stdout.WriteLineAsync(CommandLineParser.Usage).ConfigureAwait(false);
            return CommandExitCode.Ok;
        }

        if (parse.Options is not { } options)
        {
            await stderr.WriteLineAsync($"error: {parse.Error}\n{CommandLineParser.Usage}").ConfigureAwait(false);
            return CommandExitCode.Error;
        }

        CommandClient client;
        try
        {
            using var limit = Limit(options, cancellationToken);
            client = await CommandClient.ConnectAsync(options.Host, options.Port, limit.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return await FailAsync($"cannot reach {options.Target} ({e.Message})").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await FailAsync($"cannot reach {options.Target} (no connection within {Seconds(options.Timeout)})").ConfigureAwait(false);
        }

        await using (client.ConfigureAwait(false))
        {
            if (!options.Interactive)
            {
                var request = new CommandRequest(options.Palette!, options.Command, options.Args, options.Json, options.Token);
                return (await ExchangeAsync(client, options, request, cancellationToken).ConfigureAwait(false)).ExitCode;
            }

            return await InteractAsync(client, options, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> InteractAsync(CommandClient client, CommandLineOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (showPrompt)
            {
                await stdout.WriteAsync($"[{options.Target}] actors> ").ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var line = await stdin.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                if (showPrompt)
                {
                    await stdout.WriteLineAsync().ConfigureAwait(false);
                }

                return CommandExitCode.Ok;
            }

            IReadOnlyList<string> words;
            try
            {
                words = WordSplitter.Split(line);
            }
            catch (FormatException e)
            {
                await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                continue;
            }

            if (words.Count == 0)
            {
                continue;
            }

            if (words is ["exit" or "quit"])
            {
                return CommandExitCode.Ok;
            }

            var request = new CommandRequest(
                words[0],
                words.Count > 1 ? words[1] : string.Empty,
                words.Skip(2).ToArray(),
                options.Json,
                options.Token);
            var (_, connectionLost) = await ExchangeAsync(client, options, request, cancellationToken).ConfigureAwait(false);
            if (connectionLost)
            {
                return CommandExitCode.Error;
            }
        }
    }

    private async Task<(int ExitCode, bool ConnectionLost)> ExchangeAsync(
        CommandClient client, CommandLineOptions options, CommandRequest request, CancellationToken cancellationToken)
    {
        CommandResponse response;
        try
        {
            using var limit = Limit(options, cancellationToken);
            response = await client.SendAsync(request, limit.Token).ConfigureAwait(false);
        }
        catch (CommandProtocolException e)
        {
            return (await FailAsync(e.Message).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (await FailAsync($"no answer from {options.Target} within {Seconds(options.Timeout)}").ConfigureAwait(false), true);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return (await FailAsync($"connection to {options.Target} lost ({e.Message})").ConfigureAwait(false), true);
        }

        await PrintAsync(stdout, response.Stdout).ConfigureAwait(false);
        await PrintAsync(stderr, response.Stderr).ConfigureAwait(false);
        return (response.ExitCode, false);
    }

    private async Task<int> FailAsync(string message)
    {
        await stderr.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return CommandExitCode.Error;
    }

    private static async Task PrintAsync(TextWriter writer, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        await writer.WriteAsync(text).ConfigureAwait(false);
        if (!text.EndsWith('\n'))
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
        }

        await writer.FlushAsync().ConfigureAwait(false);
    }

    private static CancellationTokenSource Limit(CommandLineOptions options, CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Timeout);
        return limit;
    }

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
