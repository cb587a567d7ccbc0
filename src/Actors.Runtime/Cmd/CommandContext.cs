using System.Text.Json;
using Actors.Contracts.Cmd;

namespace Actors.Runtime.Cmd;

/// <summary>
/// The parsed request a palette executes, plus helpers that build responses. The token is not part of
/// the context: it has been checked before any palette runs.
/// </summary>
public sealed class CommandContext
{
    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web);

    /// <summary>Creates a context; <paramref name="args"/> is copied.</summary>
    public CommandContext(string palette, string command, IReadOnlyList<string> args, bool json)
    {
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(args);
        Palette = palette;
        Command = command;
        Args = args.ToArray();
        Json = json;
    }

    /// <summary>Palette name as requested.</summary>
    public string Palette { get; }

    /// <summary>Command name as requested; may be empty or unknown to the palette.</summary>
    public string Command { get; }

    /// <summary>Positional arguments in order.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>True when the caller asked for JSON on stdout.</summary>
    public bool Json { get; }

    /// <summary>Builds the context of <paramref name="request"/>.</summary>
    public static CommandContext From(CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CommandContext(request.Palette, request.Command, request.Args, request.Json);
    }

    /// <summary>Exit 0 with <paramref name="text"/> on stdout.</summary>
    public CommandResponse Ok(string text) => CommandResponse.Ok(text);

    /// <summary>
    /// Exit 0 with <paramref name="value"/> as camelCase JSON when <see cref="Json"/> is set, otherwise
    /// with the text <paramref name="render"/> makes of it.
    /// </summary>
    public CommandResponse Ok<T>(T value, Func<T, string> render) => CommandResponse.Ok(Output(value, render));

    /// <summary>
    /// Exit 0 with <paramref name="json"/> serialized on one line when <see cref="Json"/> is set (the names as declared),
    /// otherwise with <paramref name="text"/>.
    /// </summary>
    public CommandResponse Show(object json, Func<string> text) => CommandResponse.Ok(Json ? JsonSerializer.Serialize(json) + "\n" : text());

    /// <summary>Exit 1 (valid request, negative answer) with <paramref name="text"/> on stdout.</summary>
    public CommandResponse Negative(string text) => CommandResponse.Negative(text);

    /// <summary>Exit 1 with <paramref name="value"/> rendered like <see cref="Ok{T}"/> does.</summary>
    public CommandResponse Negative<T>(T value, Func<T, string> render) => CommandResponse.Negative(Output(value, render));

    /// <summary>Exit 2 with <c>error: </c><paramref name="message"/> on stderr.</summary>
    public CommandResponse Error(string message) => CommandResponse.Error(message);

    private string Output<T>(T value, Func<T, string> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        return Json ? JsonSerializer.Serialize(value, JsonOutput) : render(value);
    }
}
