using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Actors.Contracts.Cmd;
using Akka.Event;

namespace Actors.Runtime.Cmd;

/// <summary>
/// The palettes a command host serves, by name. Thread-safe: palettes may be registered while requests
/// are executing. The name <c>help</c> is built in: <c>help</c> lists every palette with its commands'
/// usage, <c>help PALETTE</c> lists one palette.
/// </summary>
public sealed class CommandRegistry
{
    /// <summary>Name of the built-in help palette.</summary>
    public const string HelpPalette = "help";

    private readonly ILoggingAdapter _log;
    private readonly object _gate = new();
    private ImmutableSortedDictionary<string, ICommandPalette> _palettes =
        ImmutableSortedDictionary<string, ICommandPalette>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Creates an empty registry; handler failures are logged to <paramref name="log"/> at warning level.</summary>
    public CommandRegistry(ILoggingAdapter? log = null)
    {
        _log = log ?? NoLogger.Instance;
    }

    /// <summary>Registered palettes ordered by name (help excluded).</summary>
    public IReadOnlyCollection<ICommandPalette> Palettes => Volatile.Read(ref _palettes).Values.ToArray();

    /// <summary>Adds <paramref name="palette"/>; returns this registry for chaining.</summary>
    /// <exception cref="ArgumentException">The name is invalid, <c>help</c>, or already registered.</exception>
    public CommandRegistry Register(ICommandPalette palette)
    {
        ArgumentNullException.ThrowIfNull(palette);
        CommandNames.Validate(palette.Name, "palette");
        if (palette.Name == HelpPalette)
        {
            throw new ArgumentException("palette name 'help' is reserved", nameof(palette));
        }

        lock (_gate)
        {
            if (_palettes.ContainsKey(palette.Name))
            {
                throw new ArgumentException($"palette '{palette.Name}' is already registered", nameof(palette));
            }

            Volatile.Write(ref _palettes, _palettes.Add(palette.Name, palette));
        }

        return this;
    }

    /// <summary>The palette named <paramref name="name"/>, if registered.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out ICommandPalette? palette)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Volatile.Read(ref _palettes).TryGetValue(name, out palette);
    }

    /// <summary>
    /// Executes <paramref name="request"/> (its token is not checked here). Never throws for a handler
    /// failure: an exception becomes exit 2 with <c>error: </c> and its message.
    /// </summary>
    public async Task<CommandResponse> ExecuteAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = CommandContext.From(request);
        if (context.Palette == HelpPalette)
        {
            return Help(context);
        }

        if (!TryGet(context.Palette, out var palette))
        {
            return UnknownPalette(context);
        }

        try
        {
            var response = await palette.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            return response is { Stdout: not null, Stderr: not null }
                ? response
                : CommandResponse.Error($"command '{context.Palette} {context.Command}' returned no response");
        }
        catch (Exception e)
        {
            _log.Warning(e, "command '{0} {1}' failed", context.Palette, context.Command);
            return CommandResponse.Error(e.Message);
        }
    }

    private CommandResponse Help(CommandContext context)
    {
        if (context.Args.Count > 0)
        {
            return context.Error("wrong number of arguments for 'help'; usage: help [PALETTE]");
        }

        IReadOnlyCollection<ICommandPalette> palettes;
        if (context.Command.Length == 0)
        {
            palettes = Palettes;
        }
        else if (TryGet(context.Command, out var one))
        {
            palettes = [one];
        }
        else
        {
            return context.Error($"unknown palette '{context.Command}'; try 'help'");
        }

        if (context.Json)
        {
            return context.Ok(CommandHelp.Json(palettes));
        }

        return context.Ok(context.Command.Length == 0 ? CommandHelp.All(palettes) : CommandHelp.Palette(palettes.First()));
    }

    private static CommandResponse UnknownPalette(CommandContext context) =>
        context.Error($"unknown palette '{context.Palette}'; try 'help'");
}
