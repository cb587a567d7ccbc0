namespace Actors.Contracts.Cmd;

/// <summary>
/// One request to a node's command host: a command of a palette with its arguments, sent as one JSON
/// line (see <see cref="CommandProtocol"/>).
/// </summary>
/// <param name="Palette">Palette name, e.g. <c>cluster</c>, <c>kv</c> or <c>help</c>.</param>
/// <param name="Command">Command name inside the palette; empty when the request names only a palette
/// (<c>help</c> alone).</param>
/// <param name="Args">Positional arguments, passed to the handler verbatim. Never null.</param>
/// <param name="Json">True when the caller wants machine-readable JSON on stdout instead of text.</param>
/// <param name="Token">Shared secret; required when the host is configured with a token, ignored
/// otherwise.</param>
public sealed record CommandRequest(string Palette, string Command, IReadOnlyList<string> Args, bool Json, string? Token);
