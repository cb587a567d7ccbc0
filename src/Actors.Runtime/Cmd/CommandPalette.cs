using System.Collections.Immutable;
using Actors.Contracts.Cmd;
using Akka.Actor;

namespace Actors.Runtime.Cmd;

/// <summary>
/// Base class for palettes: a derived class registers each command with its handler in its
/// constructor, and this class dispatches by name, rejects unknown commands and argument counts that
/// do not fit <see cref="CommandSpec.Usage"/> (exit 2 with the usage), and answers <c>help</c> with the
/// palette's command list unless the palette registers its own <c>help</c>.
/// </summary>
/// <example>
/// <code>
/// public sealed class KvPalette : CommandPalette
/// {
///     public KvPalette(IKv kv) : base("kv", "Linearizable key-value store.")
///     {
///         Register(new CommandSpec("get", "KEY", "Reads a key."), async (ctx, ct) =>
///             await kv.GetAsync(ctx.Args[0], ct) is { } value ? ctx.Ok(value) : ctx.Negative(""));
///     }
/// }
/// </code>
/// </example>
public abstract class CommandPalette : ICommandPalette
{
    private const string HelpCommand = "help";

    private ImmutableList<CommandSpec> _commands = ImmutableList<CommandSpec>.Empty;
    private ImmutableDictionary<string, Entry> _handlers = ImmutableDictionary<string, Entry>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Creates a palette without commands.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not lower-case words joined by <c>-</c>.</exception>
    protected CommandPalette(string name, string description)
    {
        CommandNames.Validate(name, "palette");
        ArgumentNullException.ThrowIfNull(description);
        Name = name;
        Description = description;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public IReadOnlyList<CommandSpec> Commands => _commands;

    /// <inheritdoc />
    public async Task<CommandResponse> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_handlers.TryGetValue(context.Command, out var entry))
        {
            if (context.Command == HelpCommand)
            {
                return context.Json
                    ? CommandResponse.Ok(CommandHelp.Json([this]))
                    : CommandResponse.Ok(CommandHelp.Palette(this));
            }

            return context.Command.Length == 0
                ? context.Error($"palette '{Name}' needs a command; try 'help {Name}'")
                : context.Error($"unknown command '{context.Command}' in palette '{Name}'; try 'help {Name}'");
        }

        if (!entry.Spec.Accepts(context.Args.Count))
        {
            return context.Error(
                $"wrong number of arguments for '{Name} {entry.Spec.Name}'; usage: {CommandHelp.Usage(this, entry.Spec)}");
        }

        // A null response is turned into an error by the registry.
        return await entry.Handler(context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers an asynchronous command handler; commands are listed in registration order.</summary>
    /// <exception cref="ArgumentException">The name is invalid or already registered, or the usage does not parse.</exception>
    /// <summary>
    /// Asks <paramref name="target"/> and waits at most <paramref name="timeout"/> for its <typeparamref name="T"/>; null
    /// when none came in time (the caller says who did not answer, and what that means).
    /// </summary>
    protected static async Task<T?> AskOrNull<T>(ICanTell target, object message, TimeSpan timeout, CancellationToken ct) where T : class
    {
        try
        {
            return await target.Ask<T>(message, timeout, ct);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    protected void Register(CommandSpec spec, Func<CommandContext, CancellationToken, Task<CommandResponse>> handler)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(handler);
        CommandNames.Validate(spec.Name, "command");
        ArgumentNullException.ThrowIfNull(spec.Description);
        UsageArity.Parse(spec.Usage);
        if (_handlers.ContainsKey(spec.Name))
        {
            throw new ArgumentException($"command '{spec.Name}' is already registered in palette '{Name}'", nameof(spec));
        }

        _handlers = _handlers.Add(spec.Name, new Entry(spec, handler));
        _commands = _commands.Add(spec);
    }

    /// <summary>Registers a synchronous command handler; see the asynchronous overload.</summary>
    protected void Register(CommandSpec spec, Func<CommandContext, CommandResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(spec, (context, _) => Task.FromResult(handler(context)));
    }

    private sealed record Entry(CommandSpec Spec, Func<CommandContext, CancellationToken, Task<CommandResponse>> Handler);
}
