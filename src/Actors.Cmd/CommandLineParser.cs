using System.Globalization;
using Actors.Contracts.Cmd;

namespace Actors.Cmd;

/// <summary>
/// Parses <c>actors-cmd [--json] [--token T] [--timeout SECONDS] HOST:PORT [PALETTE [COMMAND [ARGS...]]]</c>.
/// Options come before or right after <c>HOST:PORT</c>; everything after the palette is passed on
/// verbatim, so arguments may start with <c>--</c>. The token defaults to <c>ACTORS_CMD_TOKEN</c>.
/// </summary>
internal static class CommandLineParser
{
    public const string Usage =
        """
        usage: actors-cmd [--json] [--token T] [--timeout SECONDS] HOST:PORT [OPTIONS] [PALETTE COMMAND [ARGS...]]

          HOST:PORT           command port of a node, e.g. 127.0.0.1:9110 or [::1]:9110
          PALETTE COMMAND     run one command and exit with its exit code
                              (0 ok, 1 negative answer, 2 error); 'help' lists palettes
          (none)              interactive prompt; 'exit' or 'quit' leaves
          --json              ask for JSON output
          --token T           token the node demands (default: $ACTORS_CMD_TOKEN)
          --timeout SECONDS   limit for connecting and for each command (default 30)
          -h, --help          show this text
        """;

    public static CommandLineParse Parse(IReadOnlyList<string> argv, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(argv);
        ArgumentNullException.ThrowIfNull(environment);
        var json = false;
        string? token = null;
        var timeout = CommandLineOptions.DefaultTimeout;
        var i = 0;

        // Options may stand before HOST:PORT and right after it (pbm style); the palette ends them.
        CommandLineParse? Options()
        {
            for (; i < argv.Count && argv[i].StartsWith('-'); i++)
            {
                var (name, inline) = SplitOption(argv[i]);
                switch (name)
                {
                    case "-h" or "--help" when inline is null:
                        return CommandLineParse.Help;
                    case "--json" when inline is null:
                        json = true;
                        break;
                    case "--token":
                        if (!TryValue(argv, ref i, inline, out token))
                        {
                            return CommandLineParse.Failed("--token needs a value");
                        }

                        break;
                    case "--timeout":
                        if (!TryValue(argv, ref i, inline, out var seconds))
                        {
                            return CommandLineParse.Failed("--timeout needs a value");
                        }

                        if (!double.TryParse(seconds, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                            || !(value > 0) || value > int.MaxValue / 1000)
                        {
                            return CommandLineParse.Failed($"--timeout must be a positive number of seconds, got '{seconds}'");
                        }

                        timeout = TimeSpan.FromSeconds(value);
                        break;
                    default:
                        return CommandLineParse.Failed($"unknown option '{argv[i]}'");
                }
            }

            return null;
        }

        if (Options() is { } early)
        {
            return early;
        }

        if (i == argv.Count)
        {
            return CommandLineParse.Failed("missing HOST:PORT");
        }

        if (!TryParseTarget(argv[i], out var host, out var port))
        {
            return CommandLineParse.Failed($"expected HOST:PORT with a port in 1..65535, got '{argv[i]}'");
        }

        i++;
        if (Options() is { } late)
        {
            return late;
        }

        var palette = i < argv.Count ? argv[i] : null;
        var command = i + 1 < argv.Count ? argv[i + 1] : string.Empty;
        var args = i + 2 < argv.Count ? argv.Skip(i + 2).ToArray() : [];
        token ??= environment(CommandProtocol.TokenEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        return CommandLineParse.Parsed(new CommandLineOptions(host, port, palette, command, args, json, token, timeout));
    }

    /// <summary>
    /// Splits <c>HOST:PORT</c> at the last colon; an IPv6 host must be bracketed (<c>[::1]:9110</c>).
    /// </summary>
    public static bool TryParseTarget(string text, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var hostPart = text[..colon];
        if (hostPart.StartsWith('['))
        {
            if (!hostPart.EndsWith(']') || hostPart.Length < 3)
            {
                return false;
            }

            hostPart = hostPart[1..^1];
        }
        else if (hostPart.Contains(':') || hostPart.Contains(']'))
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535
            || hostPart.Any(char.IsWhiteSpace))
        {
            port = 0;
            return false;
        }

        host = hostPart;
        return true;
    }

    private static (string Name, string? Inline) SplitOption(string arg)
    {
        var equals = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 2
            ? (arg[..equals], arg[(equals + 1)..])
            : (arg, null);
    }

    private static bool TryValue(IReadOnlyList<string> argv, ref int i, string? inline, out string value)
    {
        if (inline is not null)
        {
            value = inline;
            return true;
        }

        if (i + 1 < argv.Count)
        {
            value = argv[++i];
            return true;
        }

        value = string.Empty;
        return false;
    }
}
