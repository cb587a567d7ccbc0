namespace Actors.Cmd;

/// <summary>What one invocation of the CLI asks for.</summary>
/// <param name="Host">Host name or address of the node.</param>
/// <param name="Port">Command port of the node.</param>
/// <param name="Palette">Palette of a one-shot request, or null for an interactive session.</param>
/// <param name="Command">Command of a one-shot request; empty when only a palette was given (e.g. <c>help</c>).</param>
/// <param name="Args">Arguments of a one-shot request.</param>
/// <param name="Json">Ask for JSON output.</param>
/// <param name="Token">Token sent with every request, or null.</param>
/// <param name="Timeout">Limit for connecting and for each request.</param>
internal sealed record CommandLineOptions(
    string Host,
    int Port,
    string? Palette,
    string Command,
    IReadOnlyList<string> Args,
    bool Json,
    string? Token,
    TimeSpan Timeout)
{
    /// <summary>Default limit for connecting and for each request.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True when no palette was given: read requests from standard input.</summary>
    public bool Interactive => Palette is null;

    /// <summary><c>HOST:PORT</c> as shown in prompts and messages.</summary>
    public string Target => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
