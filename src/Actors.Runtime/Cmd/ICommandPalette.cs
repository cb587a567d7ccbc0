using Actors.Contracts.Cmd;

namespace Actors.Runtime.Cmd;

/// <summary>
/// A named group of commands served by the command host (<c>cluster</c>, <c>kv</c>, <c>ring</c>, ...).
/// Most palettes derive from <see cref="CommandPalette"/>, which dispatches and checks arguments.
/// </summary>
public interface ICommandPalette
{
    /// <summary>Palette name: lower-case words joined by <c>-</c>; unique within a registry.</summary>
    string Name { get; }

    /// <summary>One line shown by <c>help</c>.</summary>
    string Description { get; }

    /// <summary>The commands, in the order help lists them.</summary>
    IReadOnlyList<CommandSpec> Commands { get; }

    /// <summary>
    /// Executes <see cref="CommandContext.Command"/>. May be called concurrently from several
    /// connections. Exceptions are turned into exit code 2 by the caller; unknown commands and bad
    /// arguments should be answered with <see cref="CommandContext.Error"/>.
    /// </summary>
    Task<CommandResponse> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
