namespace Actors.Contracts.Cmd;

/// <summary>
/// The answer to one <see cref="CommandRequest"/>, sent as one JSON line. The CLI prints
/// <see cref="Stdout"/> to its standard output, <see cref="Stderr"/> to its standard error, and exits
/// with <see cref="ExitCode"/>.
/// </summary>
/// <param name="ExitCode">One of <see cref="CommandExitCode"/>: 0 ok, 1 negative but valid, 2 error.</param>
/// <param name="Stdout">Command output; text, or JSON when the request asked for it. Never null.</param>
/// <param name="Stderr">Diagnostics; error messages start with <c>error: </c>. Never null.</param>
public sealed record CommandResponse(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>A successful answer (exit code 0) with <paramref name="stdout"/> as its output.</summary>
    public static CommandResponse Ok(string stdout) => new(CommandExitCode.Ok, stdout, string.Empty);

    /// <summary>
    /// A valid request whose answer is "no" (exit code 1), such as reading a missing key; the output
    /// still goes to stdout so scripts can read it.
    /// </summary>
    public static CommandResponse Negative(string stdout, string stderr = "") =>
        new(CommandExitCode.Negative, stdout, stderr);

    /// <summary>
    /// A failed request (exit code 2): bad input, unknown palette or command, or an unavailable service.
    /// Stderr becomes <c>error: </c> followed by <paramref name="message"/>.
    /// </summary>
    public static CommandResponse Error(string message) =>
        new(CommandExitCode.Error, string.Empty, "error: " + message);
}
